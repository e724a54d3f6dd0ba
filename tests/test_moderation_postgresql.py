"""The editors' side on PostgreSQL (``database_url``): accounts, login and a decline over real HTTP, the queue in
a throwaway cluster. The queue's own tests run on both databases in tests/test_queue.py."""

import pytest
from _editors import Browser, add_editor
from _postgres import database, postgres  # noqa: F401 (a fixture)
from conftest import start_server, stop_server

from publisher.moderation import queue as queues
from test_moderation import PASSWORD, PROPOSALS


@pytest.fixture(scope="module")
def site(built, postgres):  # noqa: F811 (a fixture)
    url = database(postgres, "redactie")
    settings, _ = built
    done = add_editor("an", PASSWORD, build_dir=settings["build_dir"], database_url=url)
    assert done.returncode == 0, done.stderr
    process, address = start_server(settings["build_dir"], database_url=url)
    yield address, queues.open_queue({"database_url": url, "build_dir": settings["build_dir"]})
    stop_server(process)


def test_an_editor_declines_a_proposal_kept_in_postgresql(site, built):
    address, queue = site
    token = queue.submit(queues.Proposal(queues.new_token(), "new", None, (PROPOSALS / "buurtsoep.ttl").read_text(),
                                         {"name": "Ine", "email": "ine@example.org", "organisation": ""},
                                         "received", queues.now()))
    browser = Browser(address)
    assert browser.login("an", PASSWORD + "x")[0] == 401
    assert browser.login("an", PASSWORD)[0] == 303
    status, _, body = browser.get("/redactie")
    assert status == 200 and token in body
    assert browser.post(f"/redactie/{token}/weigeren", {"reason": "dubbel"}, form=f"/redactie/{token}")[0] == 303
    declined = queue.get(token)
    assert (declined.status, declined.reason) == ("declined", "dubbel")
    assert [(a.editor, a.action) for a in queue.actions(token)] == [("an", "decline")]
    assert not (built[0]["build_dir"] / "proposals.sqlite").exists()  # nothing went to the embedded database


def test_a_name_with_a_nul_character_is_a_wrong_login_not_a_server_error(site):
    assert Browser(site[0]).login("an\x00", PASSWORD)[0] == 401  # PostgreSQL would refuse the NUL itself


def test_a_proposal_with_a_nul_character_is_refused_before_postgresql(site):
    with pytest.raises(queues.QueueError, match="NUL"):
        site[1].submit(queues.Proposal(queues.new_token(), "new", None, "<x:y> <x:p> \"a\x00b\" .",
                                       {"name": "Ine"}, "received", queues.now()))
