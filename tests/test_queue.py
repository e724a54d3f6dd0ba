"""The queue of proposals, the same tests on SQLite and on PostgreSQL (a throwaway cluster): what is stored comes
back unchanged, newest first, and the editors' actions move a proposal only forward and are logged."""

import sqlite3

import pytest
from _postgres import database_settings, postgres  # noqa: F401 (fixtures)

from publisher.moderation import queue as queues
from publisher.moderation.queue import Proposal, QueueError

TURTLE = """@prefix dct: <http://purl.org/dc/terms/> .
<https://w3id.org/samenleven/id/praktijk/x> dct:title "Een praktijk"@nl .
"""


def proposal(created="2026-11-01T10:00:00Z", **fields) -> Proposal:
    values = dict(token=queues.new_token(), kind="new", subject=None, turtle=TURTLE,
                  contributor={"name": "Zoë Ärmel", "email": "zoe@example.org", "organisation": "Gemeente X"},
                  status="received", created=created)
    return Proposal(**{**values, **fields})


@pytest.fixture
def queue(database_settings):  # noqa: F811 (a fixture)
    return queues.open_queue(database_settings)


def test_a_proposal_comes_back_as_it_was_sent(queue):
    sent = proposal(photo=bytes(range(256)) * 4, photo_type="image/png", language="en",
                    kind="change", subject="https://w3id.org/samenleven/id/praktijk/x")
    assert queue.submit(sent) == sent.token
    assert queue.get(sent.token) == sent


def test_an_unknown_token_has_no_proposal(queue):
    queue.submit(proposal())
    assert queue.get("nothing-here") is None
    assert queue.get("' OR '1'='1") is None


def test_the_listing_is_newest_first_and_filters_by_status(queue):
    old = proposal(created="2026-10-01T08:00:00Z")
    first, second = proposal(created="2026-11-02T09:00:00Z"), proposal(created="2026-11-02T09:00:00Z")
    for item in (old, first, second):  # the two of the same second: the later arrival is the newer
        queue.submit(item)
    assert [p.token for p in queue.listing()] == [second.token, first.token, old.token]
    queue.decline(first.token, "editor", "dubbel")
    assert [p.token for p in queue.listing("received")] == [second.token, old.token]
    assert [p.token for p in queue.listing("declined")] == [first.token]


def test_accept_publishes_and_logs_who_did_it(queue):
    sent = queue.submit(proposal())
    queue.accept(sent, "an", "https://w3id.org/samenleven/id/praktijk/x")
    got = queue.get(sent)
    assert (got.status, got.published) == ("accepted", "https://w3id.org/samenleven/id/praktijk/x")
    [action] = queue.actions(sent)
    assert (action.editor, action.action, action.detail) == ("an", "accept", got.published)
    assert action.at.endswith("Z")


@pytest.mark.parametrize("act", [lambda q, t: q.accept(t, "bo", "https://w3id.org/samenleven/id/praktijk/y"),
                                 lambda q, t: q.decline(t, "bo", "te laat"),
                                 lambda q, t: q.ask(t, "bo", "nog een vraag?")])
def test_a_closed_proposal_cannot_be_acted_on_again(queue, act):
    sent = queue.submit(proposal())
    queue.decline(sent, "an", "geen praktijk")
    with pytest.raises(QueueError, match="declined already"):
        act(queue, sent)
    got = queue.get(sent)
    assert (got.status, got.reason, got.published) == ("declined", "geen praktijk", None)
    assert [a.action for a in queue.actions(sent)] == ["decline"]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_decline_needs_a_reason(queue, reason):
    sent = queue.submit(proposal())
    with pytest.raises(QueueError, match="reason"):
        queue.decline(sent, "an", reason)
    assert queue.get(sent).status == "received"
    assert queue.actions(sent) == []


def test_asking_keeps_the_question_and_the_proposal_open(queue):
    sent = queue.submit(proposal())
    queue.ask(sent, "an", "Welke gemeente bedoel je?")
    got = queue.get(sent)
    assert (got.status, got.reason) == ("asked", "Welke gemeente bedoel je?")
    queue.accept(sent, "bo", "https://w3id.org/samenleven/id/praktijk/x")
    assert [(a.editor, a.action) for a in queue.actions(sent)] == [("an", "ask"), ("bo", "accept")]


def test_an_action_on_no_proposal_is_refused(queue):
    with pytest.raises(QueueError, match="no proposal"):
        queue.accept("nothing-here", "an", "https://w3id.org/samenleven/id/praktijk/x")


@pytest.mark.parametrize("fields, message", [
    ({"kind": "delete"}, "kind"), ({"status": "accepted"}, "status"),
    ({"photo": b"GIF89a", "photo_type": "image/gif"}, "photo type"), ({"kind": "change"}, "subject")])
def test_a_proposal_the_queue_does_not_know_how_to_hold_is_refused(queue, fields, message):
    with pytest.raises(QueueError, match=message):
        queue.submit(proposal(**fields))
    assert queue.listing() == []


def test_a_token_is_used_once(queue):
    sent = proposal()
    queue.submit(sent)
    with pytest.raises(QueueError, match="exists already"):
        queue.submit(proposal(token=sent.token, turtle="# another"))
    assert queue.get(sent.token).turtle == TURTLE


HOSTILE = "x'); DROP TABLE proposals; --"


def test_hostile_values_are_stored_as_data(queue):
    sent = proposal(token=HOSTILE, turtle=HOSTILE, contributor={"name": HOSTILE, "email": "?", "organisation": "%s"},
                    subject=HOSTILE, kind="change")
    queue.submit(sent)
    queue.decline(HOSTILE, HOSTILE + "%s?", HOSTILE)
    assert queue.get(HOSTILE).contributor == sent.contributor
    assert queue.get(HOSTILE).reason == HOSTILE
    assert queue.actions(HOSTILE)[0].editor == HOSTILE + "%s?"
    assert len(queue.listing()) == 1


def test_reopening_keeps_the_proposals_and_the_schema_version(database_settings):  # noqa: F811
    sent = proposal()
    queues.open_queue(database_settings).submit(sent)
    again = queues.open_queue(database_settings)
    assert again.get(sent.token) == sent
    with again.database.connect() as connection:
        assert connection.execute("SELECT version FROM schema_version ORDER BY version").fetchall() == [(1,), (2,)]


def test_the_embedded_database_lies_in_the_build_folder(tmp_path):
    queues.open_queue({"build_dir": tmp_path, "database_url": ""}).submit(proposal())
    with sqlite3.connect(tmp_path / "proposals.sqlite") as connection:
        assert connection.execute("SELECT count(*) FROM proposals").fetchone() == (1,)


def test_an_iri_an_open_proposal_minted_is_refused_to_another_until_it_is_decided(queue):
    iri = "https://w3id.org/samenleven/id/praktijk/x"
    first = queue.submit(proposal(), minted=[iri])
    assert queue.claimed({iri, iri + "-2"}) == {iri}
    with pytest.raises(queues.Claimed):
        queue.submit(proposal(), minted=[iri])
    queue.decline(first, "an", "dubbel")
    assert queue.claimed({iri}) == set()
    second = queue.submit(proposal(), minted=[iri])
    assert queue.claimed({iri}) == {iri} and queue.get(second).status == "received"


def test_attempts_past_a_limit_are_refused_per_client(queue):
    from publisher.moderation import throttle
    tries = throttle.Throttle(queue, "contribute", throttle.limits("2 per hour; 5 per day", "contribute_rate"))
    one, other = throttle.client("key", "192.0.2.1"), throttle.client("key", "192.0.2.2")
    assert [tries.admit(one) for _ in range(3)][:2] == [None, None]
    assert str(tries.admit(one)) == "2 per 1 hour"
    assert tries.admit(other) is None
    with pytest.raises(throttle.SettingError, match="contribute_rate"):
        throttle.limits("twenty a day", "contribute_rate")


def test_a_database_of_schema_version_1_is_brought_up_to_date_and_its_editors_log_in(database_settings):  # noqa: F811
    from argon2 import PasswordHasher

    from publisher.moderation import editors, schema
    url = database_settings["database_url"]
    database = schema.PostgreSQL(url) if url else schema.SQLite(database_settings["build_dir"] / "proposals.sqlite")
    with database.connect() as connection:  # the schema as the first release made it, with a locked account
        connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for statement in schema.MIGRATIONS[0]:
            connection.execute(statement.format(**database.types))
        connection.execute("INSERT INTO schema_version (version) VALUES (1)")
        connection.execute("INSERT INTO editors (name, password, failures, created) VALUES "
                           f"('an', {database.placeholder}, 9, '2026-11-01T10:00:00Z')",
                           (PasswordHasher().hash("correct horse battery staple"),))
    queue = queues.open_queue(database_settings)
    with queue.database.connect() as connection:
        assert connection.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 2
    found = editors.Editors(queue, 5).login("an", "correct horse battery staple", "a client")
    assert found.editor == "an" and editors.Editors(queue, 5).active("an", found.generation)
