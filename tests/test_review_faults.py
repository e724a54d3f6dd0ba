"""Decisions on a proposal under faults and at the same moment: an accept that dies leaves ``graph/`` as it was, and
a decline taken while an accept builds waits for it and then finds the proposal closed."""

import fcntl
import shutil
import subprocess
import sys
import time

import pytest
from conftest import GRAPH, PROJECT

from publisher import build, config
from publisher.moderation import queue as queues
from publisher.moderation import review

PROPOSALS = PROJECT / "tests" / "data" / "proposals"
PRACTICE = "https://w3id.org/samenleven/id/praktijk/"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    shutil.copytree(GRAPH, folder / "graph")
    build.build(config.load({"build_dir": folder / "var", "graph_dir": folder / "graph"}))
    return folder


def settings(folder) -> dict:
    return config.load({"build_dir": folder / "var", "graph_dir": folder / "graph"})


def submit(folder, turtle, kind="new", subject=None) -> str:
    return queues.open_queue(settings(folder)).submit(queues.Proposal(
        queues.new_token(), kind, subject, turtle, {"name": "Ine", "email": "ine@example.org"}, "received",
        queues.now()))


def dies(settings):
    raise KeyboardInterrupt("the worker was stopped while the build ran")


def test_an_accept_that_dies_during_its_build_leaves_a_new_practice_out_of_graph(folder):
    before = sorted(p.name for p in (folder / "graph").rglob("*"))
    token = submit(folder, (PROPOSALS / "buurtsoep.ttl").read_text())
    with pytest.raises(KeyboardInterrupt):
        review.accept(settings(folder), queues.open_queue(settings(folder)), token, "an", build=dies)
    assert sorted(p.name for p in (folder / "graph").rglob("*")) == before
    assert queues.open_queue(settings(folder)).get(token).status == "received"


def test_an_accept_of_a_change_that_dies_puts_the_practice_s_file_back(folder):
    file = folder / "graph" / "praktijk-sociale-cohesie.ttl"
    was = file.read_bytes()
    token = submit(folder, (PROPOSALS / "sociale-cohesie-gewijzigd.ttl").read_text(), "change",
                   PRACTICE + "sociale-cohesie")
    with pytest.raises(KeyboardInterrupt):
        review.accept(settings(folder), queues.open_queue(settings(folder)), token, "an", build=dies)
    assert file.read_bytes() == was


def test_a_decline_waits_for_an_accept_in_progress_and_then_finds_it_decided(folder):
    token = submit(folder, (PROPOSALS / "buurtsoep.ttl").read_text())
    with open(folder / "var" / review.ACCEPT_LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # an accept holds the decisions while its build runs
        decline = subprocess.Popen(
            [sys.executable, "-m", "publisher", "--build-dir", str(folder / "var"), "--graph-dir",
             str(folder / "graph"), "proposals", "decline", token, "--reason", "dubbel", "--editor", "bo"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT)
        time.sleep(3)  # not a measurement: room for the command to reach the lock before the accept ends
        assert decline.poll() is None, decline.communicate()
        queues.open_queue(settings(folder)).accept(token, "an", PRACTICE + "buurtsoep")
    out, err = decline.communicate(timeout=120)
    assert decline.returncode == 1 and "accepted" in err, (out, err)
    found = queues.open_queue(settings(folder)).get(token)
    assert found.status == "accepted" and found.reason == ""


@pytest.mark.parametrize("first", ["decline", "accept"])
def test_of_two_decisions_on_one_proposal_the_second_is_refused(folder, first):
    queue = queues.open_queue(settings(folder))
    token = submit(folder, (PROPOSALS / "buurtsoep.ttl").read_text())
    other = queues.open_queue(settings(folder))  # a second server process's connection
    if first == "decline":
        queue.decline(token, "an", "dubbel")
        with pytest.raises(queues.QueueError):
            other.accept(token, "bo", PRACTICE + "buurtsoep")
    else:
        queue.accept(token, "an", PRACTICE + "buurtsoep")
        with pytest.raises(queues.QueueError):
            other.decline(token, "bo", "dubbel")
    assert queue.get(token).status == ("declined" if first == "decline" else "accepted")
