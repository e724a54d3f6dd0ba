"""Build faults: a build in use whose files are broken on disk, served by the real server.

A folder holds two builds made by the real command; each test breaks files of the newer one (the one in use) the
ways a disk, a copy or a hand edit does. The server must serve the older build, log one line naming the broken
one, and show its home page without a traceback. When no build opens, `samenleven serve` exits non-zero with one
clear line.
"""

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import PROJECT, start_server, stop_server
from _buildfaults import samenleven

CLASS = "build faults"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A build folder with two builds of the project's graph."""
    folder = tmp_path_factory.mktemp("stores") / "var"
    for _ in range(2):
        done = samenleven("--build-dir", folder, "build")
        assert done.returncode == 0, done.stderr[-2000:]
    return folder


@pytest.fixture
def var(template, tmp_path):
    target = tmp_path / "var"
    shutil.copytree(template, target, symlinks=True)
    return target


def builds(var) -> tuple[Path, Path]:
    """(the older build, the build in use)."""
    older, newer = sorted((var / "builds").iterdir())
    assert (var / "current").resolve() == newer
    return older, newer


def sst(store: Path) -> Path:
    return max(store.glob("*.sst"), key=lambda p: p.stat().st_size)


def truncate(path: Path, size: int = 0) -> None:
    with open(path, "r+b") as stream:
        stream.truncate(size)


def garble(path: Path) -> None:
    with open(path, "r+b") as stream:
        stream.write(os.urandom(max(16, path.stat().st_size)))


BREAKS = {
    "an index file emptied": lambda b: truncate(sst(b / "store")),
    "an index file cut in half": lambda b: truncate(sst(b / "store"), sst(b / "store").stat().st_size // 2),
    "an index file removed": lambda b: sst(b / "store").unlink(),
    "the store's MANIFEST garbled": lambda b: garble(next((b / "store").glob("MANIFEST-*"))),
    "the store's MANIFEST emptied": lambda b: truncate(next((b / "store").glob("MANIFEST-*"))),
    "the store's CURRENT removed": lambda b: (b / "store" / "CURRENT").unlink(),
    "the store's CURRENT garbled": lambda b: (b / "store" / "CURRENT").write_text("MANIFEST-999999\n"),
    "the store folder removed": lambda b: shutil.rmtree(b / "store"),
    "build.json removed": lambda b: (b / "build.json").unlink(),
    "build.json garbled": lambda b: garble(b / "build.json"),
    "the ontology garbled": lambda b: (b / "ontology.ttl").write_text("@prefix : <x> .\n: : \"open\n"),
}


def server_log(process) -> str:
    """What the server wrote to stderr so far (start_server gives it a temporary file, read through /proc)."""
    return Path(f"/proc/{process.pid}/fd/2").read_text(errors="replace")


def home(url: str) -> str:
    request = urllib.request.Request(url + "/", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        return response.read().decode()


@pytest.mark.parametrize("case", BREAKS)
def test_a_broken_build_in_use_gives_way_to_the_older_one(var, tally, case):
    older, newer = builds(var)
    BREAKS[case](newer)
    process, url = start_server(var)
    try:
        page, log = home(url), server_log(process)
    finally:
        stop_server(process)
    named = [line for line in log.splitlines() if newer.name in line]
    served = (older.name in page and newer.name not in page and "Traceback" not in page
              and "Traceback" not in log and len(named) == 1)
    assert tally(CLASS).case(f"{case}: the older build served, one line logged", served), log[-2000:]


def test_a_build_that_breaks_while_served_is_passed_over(var, tally):
    """``current`` swapped to a broken build while the server runs: it keeps serving what opens, then the next."""
    older, newer = builds(var)
    process, url = start_server(var)
    try:
        assert newer.name in home(url)
        broken = var / "builds" / "29990101T000000000000Z-broken00"
        shutil.copytree(newer, broken)
        truncate(sst(broken / "store"))
        temporary = var / ".current-test"
        temporary.symlink_to(Path("builds") / broken.name)
        os.replace(temporary, var / "current")  # as a build swaps it
        kept = newer.name in home(url) and "Traceback" not in server_log(process)
        shutil.rmtree(broken)
        (var / "current").unlink()
        (var / "current").symlink_to(Path("builds") / newer.name)
        done = samenleven("--build-dir", var, "build")
        fresh = (var / "current").resolve().name
        moved_on = done.returncode == 0 and fresh in home(url)
    finally:
        stop_server(process)
    assert tally(CLASS).case("current swapped to a broken build while serving", kept and moved_on)


@pytest.mark.parametrize("workers", [0, 1])
def test_when_no_build_opens_serve_exits_with_one_line(var, tally, workers):
    for build in builds(var):
        truncate(sst(build / "store"))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(var), "serve", "--port", "0",
                           "--workers", str(workers)], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    said = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    refused = (done.returncode != 0 and len(said) == 1 and "no build" in said[0] and "opens" in said[0]
               and "Traceback" not in done.stderr)
    assert tally(CLASS).case(f"no build opens (workers={workers})", refused), (time.monotonic() - started,
                                                                              done.stderr[-2000:])


def test_a_change_feed_that_cannot_be_read_is_a_503_and_one_logged_line(var, tally):
    _, newer = builds(var)
    members = newer / "ldes" / "members.jsonl"
    members.write_bytes(members.read_bytes()[:-9])  # cut short mid-line
    process, url = start_server(var)
    try:
        request = urllib.request.Request(url + "/ldes", headers={"Accept": "text/turtle"})
        try:
            urllib.request.urlopen(request, timeout=30)
            status, body = 200, ""
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        page, log = home(url), server_log(process)
    finally:
        stop_server(process)
    logged = [line for line in log.splitlines() if str(members) in line]
    refused = (status == 503 and newer.name in body and str(members) not in body and len(logged) == 1
               and "remove this file" in logged[0] and "Traceback" not in log and newer.name in page)
    assert tally(CLASS).case("members.jsonl of the build served cut short: /ldes", refused), (status, body, log[-2000:])


def test_without_the_current_link_the_newest_kept_build_is_served(var, tally):
    _, newer = builds(var)
    (var / "current").unlink()
    process, url = start_server(var)
    try:
        page, log = home(url), server_log(process)
    finally:
        stop_server(process)
    served = newer.name in page and len([line for line in log.splitlines() if "no link" in line]) == 1
    assert tally(CLASS).case("current link removed: the newest kept build served", served), log[-2000:]
