"""Shared fixtures: the project's settings, one real build of the tests' own fixture graph for the whole session,
and the tally of the adversarial suite (``tests/adversarial/``), printed at the end of the run for SECURITY.md."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from _browser import browser, chromium  # noqa: F401  (the headless Chromium fixtures, tests/_browser.py)
from publisher import build, config

PROJECT = config.PROJECT_DIR
SEEDS = PROJECT / "tests" / "fixtures" / "seeds"  # copied from the project's source documents
RECORD = SEEDS / "000_f828c39997d712d8.txt"
# The graph the suite builds: the tests own it, so importing data into graph/ changes no expectation of theirs
# (tests/data/graph/README.md says what each file covers). Only tests/test_real_graph.py builds graph/.
GRAPH = PROJECT / "tests" / "data" / "graph"


def pytest_addoption(parser):
    parser.addoption("--soak", action="store_true",
                     help="Also run the long soak runs of the adversarial suite (minutes each).")
    parser.addoption("--adversarial-report", metavar="PATH",
                     help="Write the adversarial tally (cases tried and refused, per class of attack) as JSON.")


def pytest_configure(config):
    config.addinivalue_line("markers", "soak: a long run, only with --soak")
    config.stash[TALLY] = {}


def pytest_collection_modifyitems(config, items):
    if config.getoption("--soak"):
        return
    skip = pytest.mark.skip(reason="a soak run: give --soak")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)


TALLY = pytest.StashKey[dict]()


class Tally:
    """Counts of one class of attack: each case tried, and whether it was refused as the README documents."""

    def __init__(self, store: dict, name: str):
        self.entry = store.setdefault(name, {"tried": 0, "refused": 0, "failed": []})

    def case(self, description: str, refused: bool) -> bool:
        """Count one case; return ``refused`` so that a test can assert on it in the same line."""
        self.entry["tried"] += 1
        if refused:
            self.entry["refused"] += 1
        else:
            self.entry["failed"].append(description[:200])
        return refused


@pytest.fixture
def tally(request):
    """``tally("class of attack").case(description, refused)``: what the adversarial suite tried, for SECURITY.md."""
    return lambda name: Tally(request.config.stash[TALLY], name)


def pytest_terminal_summary(terminalreporter, config):
    counts = config.stash.get(TALLY, {})
    if not counts:
        return
    terminalreporter.section("adversarial tally")
    width = max(len(name) for name in counts)
    terminalreporter.write_line(f"{'class of attack':<{width}}  tried  refused as documented")
    for name, entry in sorted(counts.items()):
        terminalreporter.write_line(f"{name:<{width}}  {entry['tried']:>5}  {entry['refused']:>5}")
    path = config.getoption("--adversarial-report")
    if path:
        Path(path).write_text(json.dumps(counts, indent=2, ensure_ascii=False) + "\n")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build the fixture graph once into a temporary folder; return (settings, manifest)."""
    settings = config.load({"build_dir": tmp_path_factory.mktemp("var"), "graph_dir": GRAPH})
    manifest = build.build(settings)
    return settings, manifest


@pytest.fixture(scope="session")
def store(built):
    from publisher import store as stores
    return stores.open_current(built[0])


@pytest.fixture
def graph_copy(tmp_path):
    """A copy of the fixture graph that a test may break."""
    target = tmp_path / "graph"
    shutil.copytree(GRAPH, target)
    return target


def http(url, data=None, headers=None, method=None):
    """Return (status, headers, body) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(build_dir, *options, **settings) -> tuple[subprocess.Popen, str]:
    """Start `samenleven serve` on a free port of 127.0.0.1, with settings as SAMENLEVEN_* variables."""
    port = free_port()
    env = dict(os.environ, **{f"SAMENLEVEN_{k.upper()}": str(v) for k, v in settings.items()})
    # The access log goes to a file: a pipe that nobody reads fills up and blocks the server mid-response.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(build_dir), "serve",
                                "--port", str(port), *options], cwd=PROJECT, env=env,
                               stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the server stopped: {log.read().decode()}")
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not answer within 20 s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def server(built):
    """The real server on 127.0.0.1 serving the session's build (query limit 3 s); yield (url, manifest)."""
    settings, manifest = built
    process, url = start_server(settings["build_dir"], query_timeout=3)
    yield url, manifest
    stop_server(process)
