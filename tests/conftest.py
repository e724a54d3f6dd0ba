"""Shared fixtures: the project's settings, and one real build of the real graph for the whole session."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from publisher import build, config

PROJECT = config.PROJECT_DIR
SEEDS = PROJECT.parent / "shared" / "seeds"
RECORD = SEEDS / "000_f828c39997d712d8.txt"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build the project's graph once into a temporary folder; return (settings, manifest)."""
    settings = config.load({"build_dir": tmp_path_factory.mktemp("var")})
    manifest = build.build(settings)
    return settings, manifest


@pytest.fixture(scope="session")
def store(built):
    from publisher import store as stores
    return stores.open_current(built[0])


@pytest.fixture
def graph_copy(tmp_path):
    """A copy of graph/ that a test may break."""
    target = tmp_path / "graph"
    shutil.copytree(PROJECT / "graph", target)
    return target


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
