"""Build faults: state the last build left that cannot be read, a build that would remove much, two builds at once.

Each test works on its own copy of one build folder made by the real command, and runs `samenleven build` as a
user does. A refusal is a non-zero exit with a message that names what was wrong and what to do, never a
traceback, and the build in use stays in use.
"""

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import PROJECT
from _buildfaults import samenleven

CLASS = "build faults"
MEMBERS, VERSIONS = "ldes/members.jsonl", "versions.json"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A build folder with one build of the project's graph; return (folder, the command's output)."""
    folder = tmp_path_factory.mktemp("template") / "var"
    done = samenleven("--build-dir", folder, "build")
    assert done.returncode == 0, done.stderr[-2000:]
    return folder, done


@pytest.fixture
def var(template, tmp_path):
    """A copy of the template build folder that a test may break."""
    target = tmp_path / "var"
    shutil.copytree(template[0], target, symlinks=True)
    return target


def errors(done) -> list[str]:
    """The lines of stderr that are not progress lines."""
    return [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("[")]


def test_the_summary_and_the_manifest_give_the_peak_memory(template):
    folder, done = template
    printed = re.search(r"^  peak memory: (\d+) MB$", done.stdout, re.M)
    manifest = json.loads((folder / "current" / "build.json").read_text())
    assert printed and int(printed.group(1)) == manifest["peak_memory_mb"] > 0


def cut(path):
    path.write_bytes(path.read_bytes()[:-7])


BROKEN_STATE = {
    "members cut short mid-line": (MEMBERS, cut),
    "members not UTF-8": (MEMBERS, lambda p: p.write_bytes(b"\xff\xfe\x00garbage\n")),
    "members line not a member": (MEMBERS, lambda p: p.write_text(p.read_text() + "[1, 2]\n")),
    "members out of order": (MEMBERS, lambda p: p.write_text("".join(reversed(p.read_text().splitlines(True))))),
    "members line not JSON": (MEMBERS, lambda p: p.write_text(p.read_text() + "{nope\n")),
    "members a folder": (MEMBERS, lambda p: (p.unlink(), p.mkdir())),
    "versions cut short": (VERSIONS, cut),
    "versions garbage": (VERSIONS, lambda p: p.write_bytes(b"\x00\x01\x02")),
    "versions a list": (VERSIONS, lambda p: p.write_text("[]\n")),
    "versions resources of the wrong shape": (VERSIONS, lambda p: p.write_text('{"resources": {"x": 1}}\n')),
    "versions empty": (VERSIONS, lambda p: p.write_text("")),
}


@pytest.mark.parametrize("case", BROKEN_STATE)
def test_unreadable_state_is_one_line_with_its_path_and_the_way_out(var, tally, case):
    name, breaking = BROKEN_STATE[case]
    in_use = (var / "current").resolve()
    path = in_use / name
    breaking(path)
    done = samenleven("--build-dir", var, "build")
    lines = errors(done)
    said = (done.returncode == 2 and len(lines) == 1 and str(path) in lines[0] and "remove this file" in lines[0]
            and "Traceback" not in done.stderr and (var / "current").resolve() == in_use)
    assert tally(CLASS).case(f"{case}: refused with path and recovery", said), done.stderr[-1500:]


@pytest.mark.parametrize("name", [MEMBERS, VERSIONS])
def test_the_way_out_the_message_gives_works(var, name):
    """Without the file, the next build starts that state anew."""
    path = (var / "current").resolve() / name
    cut(path)
    assert samenleven("--build-dir", var, "build").returncode == 2
    path.unlink()
    again = samenleven("--build-dir", var, "build")
    assert again.returncode == 0, again.stderr[-1500:]
    assert ((var / "current") / name).stat().st_size > 0


def members(var) -> list[dict]:
    return [json.loads(line) for line in (var / "current" / MEMBERS).read_text().split("\n") if line]


def test_an_empty_graph_is_refused_with_what_would_disappear_and_nothing_reaches_the_feed(var, tmp_path, tally):
    empty = tmp_path / "empty"
    empty.mkdir()
    in_use, before = (var / "current").resolve(), members(var)
    done = samenleven("--build-dir", var, "--graph-dir", empty, "build")
    said = errors(done)
    counted = all(re.search(rf"^  {kind}: (\d+) of \1 \(100%\) would disappear", done.stderr, re.M)
                  for kind in ("practices", "initiatives", "organisations"))
    named = "https://w3id.org/samenleven/id/praktijk/sociale-cohesie" in done.stderr
    refused = (done.returncode == 1 and counted and named and "--allow-shrink" in said[-1]
               and "Traceback" not in done.stderr and (var / "current").resolve() == in_use)
    assert tally(CLASS).case("empty graph/ refused, listing what would go", refused), done.stderr[-3000:]
    # The next build of the unchanged graph adds no member: no deletion was carried over from the refused one.
    again = samenleven("--build-dir", var, "build")
    assert again.returncode == 0 and members(var) == before


def test_allow_shrink_publishes_the_removal_and_the_feed_says_so(var, tmp_path, tally):
    empty = tmp_path / "empty"
    empty.mkdir()
    tracked = {m["resource"] for m in members(var)}
    done = samenleven("--build-dir", var, "--graph-dir", empty, "build", "--allow-shrink")
    deleted = {m["resource"] for m in members(var) if m["sha256"] is None}
    assert tally(CLASS).case("--allow-shrink lets an empty graph/ through", done.returncode == 0 and
                             deleted == tracked), done.stderr[-2000:]


def drop_initiatives(graph, share: float) -> int:
    """Remove the first ``share`` of the initiative blocks from the practice files; return how many went."""
    files = sorted(graph.glob("praktijk-*.ttl"))
    blocks = {p: re.findall(r"^initiatief:\S+ a sl:Initiative ;.*?\.\n\n", p.read_text(), re.S | re.M) for p in files}
    total = sum(len(found) for found in blocks.values())
    dropped, wanted = 0, int(total * share) + 1
    for path, found in blocks.items():
        text = path.read_text()
        for block in found[:wanted - dropped]:
            text, dropped = text.replace(block, "", 1), dropped + 1
        path.write_text(text)
    return dropped


@pytest.mark.parametrize("share,setting,kept", [(0.3, None, False), (0.3, "0.5", True)])
def test_a_build_that_removes_a_share_of_a_kind_obeys_max_shrink(var, graph_copy, tally, share, setting, kept):
    dropped = drop_initiatives(graph_copy, share)
    in_use = (var / "current").resolve()
    done = samenleven("--build-dir", var, "--graph-dir", graph_copy, "build",
                      env={"SAMENLEVEN_MAX_SHRINK": setting} if setting else None)
    if kept:
        ok = done.returncode == 0 and (var / "current").resolve() != in_use
    else:
        ok = (done.returncode == 1 and f"initiatives: {dropped} of" in done.stderr
              and (var / "current").resolve() == in_use)
    assert tally(CLASS).case(f"{dropped} initiatives removed, max_shrink {setting or 'default'}", ok), \
        done.stderr[-2000:]


def test_the_first_build_of_an_empty_graph_is_not_refused(tmp_path, tally):
    (tmp_path / "empty").mkdir()
    done = samenleven("--build-dir", tmp_path / "var", "--graph-dir", tmp_path / "empty", "build")
    assert tally(CLASS).case("first build of an empty graph/", done.returncode == 0), done.stderr[-2000:]


def test_a_second_build_while_one_runs_says_so_and_exits_non_zero(var, tally):
    in_use = (var / "current").resolve()
    with open(var / "build.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build holds it
        done = samenleven("--build-dir", var, "build")
    refused = (done.returncode == 3 and "another build is running" in done.stderr
               and (var / "current").resolve() == in_use)
    assert tally(CLASS).case("a build while another holds the lock", refused), done.stderr[-2000:]


def test_leftovers_of_interrupted_builds_go_at_the_next_build(var, tally):
    partial = var / "builds" / "20200101T000000000000Z-deadbeef.partial"
    (partial / "store").mkdir(parents=True)
    (partial / "graph.ttl").write_text("half")
    (var / ".current-1-2").symlink_to(partial)
    done = samenleven("--build-dir", var, "build")
    gone = done.returncode == 0 and not partial.exists() and not (var / ".current-1-2").is_symlink()
    assert tally(CLASS).case("leftover .partial and link removed at the next build", gone), done.stderr[-2000:]


def test_the_partial_folder_of_a_running_build_is_never_removed(var, tally):
    """A build stopped (SIGSTOP) with its partial folder written holds the lock: a second build cannot touch it."""
    running = subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(var), "build"], cwd=PROJECT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(1200):
            partials = list((var / "builds").glob("*.partial"))
            if partials or running.poll() is not None:
                break
            time.sleep(0.05)
        running.send_signal(signal.SIGSTOP)
        assert partials, "the build ended before its partial folder was seen"
        second = samenleven("--build-dir", var, "build")
        kept = second.returncode == 3 and partials[0].exists()
    finally:
        running.send_signal(signal.SIGCONT)
    published = running.wait(300) == 0 and (var / "current").resolve().name == partials[0].name[:-len(".partial")]
    assert tally(CLASS).case("second build while the first writes its partial", kept and published)


def test_a_current_link_to_a_build_that_is_gone_is_not_read_as_a_first_build(var, tally):
    """Else the next build would restart the change feed and every date, and skip the shrink guard."""
    shutil.rmtree((var / "current").resolve())
    done = samenleven("--build-dir", var, "build")
    lines = errors(done)
    refused = (done.returncode == 2 and len(lines) == 1 and str(var / "current") in lines[0]
               and "ln -sfn" in lines[0] and not list((var / "builds").glob("*.partial")))
    assert tally(CLASS).case("current points to a build that is gone", refused), done.stderr[-1500:]


def test_a_missing_current_link_with_builds_kept_is_not_read_as_a_first_build(var, tally):
    """The server serves the newest kept build; a build must not start the feed anew behind its back."""
    link = var / "current"
    target = os.readlink(link)
    link.unlink()
    done = samenleven("--build-dir", var, "build")
    lines = errors(done)
    refused = done.returncode == 2 and len(lines) == 1 and "is missing" in lines[0] and "ln -sfn" in lines[0]
    link.symlink_to(target)  # the way out the message gives
    again = samenleven("--build-dir", var, "build")
    assert tally(CLASS).case("current removed while builds are kept", refused and again.returncode == 0), \
        (done.stderr[-1500:], again.stderr[-800:])
