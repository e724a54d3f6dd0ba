"""`samenleven editor add` and `samenleven proposals list|show|accept|decline|ask`, run as a user runs them."""

import os
import shutil
import subprocess
import sys

import pytest
from _editors import add_editor
from conftest import GRAPH, PROJECT

from publisher import build, config
from publisher.moderation import queue as queues

PROPOSALS = PROJECT / "tests" / "data" / "proposals"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A build of a copy of the fixture graph; return (folder, run), run giving `samenleven ARGS` its settings."""
    folder = tmp_path_factory.mktemp("cli")
    shutil.copytree(GRAPH, folder / "graph")
    build.build(config.load({"build_dir": folder / "var", "graph_dir": folder / "graph"}))

    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(folder / "var"), "--graph-dir",
                               str(folder / "graph"), *args], input=stdin, capture_output=True, text=True,
                              cwd=PROJECT)
    return folder, run


def submit(folder, name, created=None) -> str:
    queue = queues.open_queue({"build_dir": folder / "var", "database_url": ""})
    return queue.submit(queues.Proposal(queues.new_token(), "new", None, (PROPOSALS / f"{name}.ttl").read_text(),
                                        {"name": "Ine", "email": "ine@example.org", "organisation": "Genk"},
                                        "received", created or queues.now()))


def status(folder, token):
    return queues.open_queue({"build_dir": folder / "var", "database_url": ""}).get(token)


@pytest.mark.parametrize("name, password, message", [
    ("An", "long enough password", "lower-case"), ("an/../x", "long enough password", "lower-case"),
    ("an", "short", "shorter than 12")])
def test_editor_add_refuses_a_bad_name_or_password(folder, name, password, message):
    done = add_editor(name, password, build_dir=folder[0] / "var")
    assert done.returncode == 1 and message in done.stderr


def test_editor_add_refuses_an_existing_name_without_replace(folder):
    assert add_editor("cli", "long enough password", build_dir=folder[0] / "var").returncode == 0
    again = add_editor("cli", "another long password", build_dir=folder[0] / "var")
    assert again.returncode == 1 and "--replace" in again.stderr


def test_list_shows_the_proposals_newest_first_and_by_status(folder):
    path, run = folder
    old, new = submit(path, "buurtsoep", "2001-01-01T00:00:00Z"), submit(path, "buurtsoep", "2099-01-01T00:00:00Z")
    lines = run("proposals", "list").stdout.splitlines()
    tokens = [line.split("\t")[3] for line in lines]
    assert tokens[0] == new and tokens.index(new) < tokens.index(old)
    assert lines[0].split("\t")[4] == "Buurtsoep"
    run("proposals", "decline", old, "--reason", "oud")
    declined = run("proposals", "list", "--status", "declined").stdout
    assert old in declined and new not in declined


def test_show_gives_the_fields_the_turtle_and_the_log(folder):
    path, run = folder
    token = submit(path, "buurtsoep")
    run("proposals", "decline", token, "--reason", "Bestaat al", "--editor", "an")
    shown = run("proposals", "show", token)
    assert shown.returncode == 0
    assert "status: declined" in shown.stdout and "reason: Bestaat al" in shown.stdout
    assert "praktijk:buurtsoep a sl:Practice" in shown.stdout
    assert "\tan\tdecline\tBestaat al" in shown.stdout
    assert run("proposals", "show", "no-such-token").returncode == 1


def test_decline_needs_a_reason_and_happens_once(folder):
    path, run = folder
    token = submit(path, "buurtsoep")
    assert run("proposals", "decline", token).returncode == 2  # click: a required option is missing
    assert run("proposals", "decline", token, "--reason", " ").returncode == 1
    assert status(path, token).status == "received"
    assert run("proposals", "decline", token, "--reason", "dubbel").returncode == 0
    again = run("proposals", "decline", token, "--reason", "dubbel")
    assert again.returncode == 1 and "declined already" in again.stderr


def test_ask_prints_the_text_to_send_without_a_mail_server(folder):
    path, run = folder
    token = submit(path, "buurtsoep")
    done = run("proposals", "ask", token, "--message", "Welke wijk?")
    assert done.returncode == 0 and "To: ine@example.org" in done.stdout and "Welke wijk?" in done.stdout
    assert f"/bijdragen/{token}" in done.stdout
    assert status(path, token).status == "asked"


def test_accept_refused_by_the_build_leaves_the_graph_as_it_was(folder):
    path, run = folder
    current, files = os.readlink(path / "var" / "current"), sorted((path / "graph").rglob("*"))
    token = submit(path, "zonder-beschrijving")
    done = run("proposals", "accept", token)
    assert done.returncode == 1
    assert "not published" in done.stderr and "description" in done.stderr  # the build's report
    assert sorted((path / "graph").rglob("*")) == files
    assert os.readlink(path / "var" / "current") == current
    assert status(path, token).status == "received"


def test_accept_writes_the_file_and_publishes_a_build(folder):
    path, run = folder
    current = os.readlink(path / "var" / "current")
    token = submit(path, "buurtsoep")
    done = run("proposals", "accept", token, "--editor", "an")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "accepted and published: https://w3id.org/samenleven/id/praktijk/buurtsoep"
    assert (path / "graph" / "praktijk-buurtsoep.ttl").read_text().startswith("# Proposed on")
    assert os.readlink(path / "var" / "current") != current
    assert status(path, token).published == "https://w3id.org/samenleven/id/praktijk/buurtsoep"
    again = run("proposals", "accept", submit(path, "buurtsoep"))  # the same practice proposed anew
    assert again.returncode == 1 and "exists already" in again.stderr


def test_a_change_is_not_written_over_a_file_that_holds_other_practices(folder):
    path, run = folder
    shared = path / "graph" / "gedeeld.ttl"  # sorted before praktijk-sociale-cohesie.ttl, so found first
    shared.write_text("@prefix sl: <https://w3id.org/samenleven/ns#> .\n"
                      "<https://w3id.org/samenleven/id/praktijk/sociale-cohesie> a sl:Practice .\n"
                      "<https://w3id.org/samenleven/id/praktijk/een-andere> a sl:Practice .\n")
    try:
        queue = queues.open_queue({"build_dir": path / "var", "database_url": ""})
        token = queue.submit(queues.Proposal(
            queues.new_token(), "change", "https://w3id.org/samenleven/id/praktijk/sociale-cohesie",
            (PROPOSALS / "sociale-cohesie-gewijzigd.ttl").read_text(), {"name": "Ine"}, "received", queues.now()))
        done = run("proposals", "accept", token)
        assert done.returncode == 1 and "other practice" in done.stderr
        assert "een-andere" in shared.read_text()
    finally:
        shared.unlink()


def test_no_proposal_token_reads_as_an_option_on_the_command_line():
    """An editor pastes the token after `proposals accept`: one starting with "-" would be taken for an option.

    Unbroken, one draw in 64 starts so; 2,000 draws miss that with a chance of (63/64)**2000, about 2e-14.
    """
    tokens = [queues.new_token() for _ in range(2000)]
    assert not [token for token in tokens if token.startswith("-")]
    assert all(len(token) == 32 and token.replace("-", "").replace("_", "").isalnum() for token in tokens)
    assert len(set(tokens)) == len(tokens)
