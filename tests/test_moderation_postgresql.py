"""The editors' side on PostgreSQL (``database_url``): accounts, login and a decline over real HTTP, the queue in
a throwaway cluster. The queue's own tests run on both databases in tests/test_queue.py."""

import shutil

import pytest
from _editors import Browser, add_editor
from _postgres import database, postgres  # noqa: F401 (a fixture)
from conftest import start_server, stop_server

from publisher.moderation import queue as queues
from test_moderation import PASSWORD, PROPOSALS


@pytest.fixture(scope="module")
def site(built, postgres, tmp_path_factory):  # noqa: F811 (a fixture)
    """A server with the queue in PostgreSQL, on a copy of the fixture build that holds no SQLite queue (other
    modules' servers may have made one in the shared build); yield its address, the queue and the build folder."""
    url = database(postgres, "redactie")
    folder = tmp_path_factory.mktemp("postgresql") / "var"
    shutil.copytree(built[0]["build_dir"], folder, symlinks=True)
    (folder / "proposals.sqlite").unlink(missing_ok=True)
    done = add_editor("an", PASSWORD, build_dir=folder, database_url=url)
    assert done.returncode == 0, done.stderr
    process, address = start_server(folder, database_url=url)
    yield address, queues.open_queue({"database_url": url, "build_dir": folder}), folder
    stop_server(process)


def test_an_editor_declines_a_proposal_kept_in_postgresql(site):
    address, queue, folder = site
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
    assert not (folder / "proposals.sqlite").exists()  # nothing went to the embedded database


def test_a_name_with_a_nul_character_is_a_wrong_login_not_a_server_error(site):
    assert Browser(site[0]).login("an\x00", PASSWORD)[0] == 401  # PostgreSQL would refuse the NUL itself


def test_a_proposal_with_a_nul_character_is_refused_before_postgresql(site):
    with pytest.raises(queues.QueueError, match="NUL"):
        site[1].submit(queues.Proposal(queues.new_token(), "new", None, "<x:y> <x:p> \"a\x00b\" .",
                                       {"name": "Ine"}, "received", queues.now()))
