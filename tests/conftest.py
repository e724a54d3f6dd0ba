"""Shared fixtures: the project's settings, and one real build of the real graph for the whole session."""

import shutil
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
