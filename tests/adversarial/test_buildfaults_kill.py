"""Build faults: `samenleven build` killed (SIGKILL) at random moments, and right before it swaps the new build in.

After each kill the build in use must still be a complete build that opens as the server opens it (its store
holds what its manifest counts; its record and change feed read back), and the next build must succeed. The kill
moments are spread over the build's duration (stratified: one in each slice), from a seed printed on failure.
A few kills run in the default suite; `--soak` runs many.
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import PROJECT, start_server, stop_server
from _buildfaults import samenleven
from publisher import feed, history
from publisher import store as stores

CLASS = "build faults"


def start(var, graph) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(var), "--graph-dir", str(graph),
                             "build"], cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def retitle(graph, n: int) -> None:
    """Change one practice's title, so that each build has a change to add to the feed."""
    path = graph / "praktijk-sociale-cohesie.ttl"
    text = path.read_text()
    old = text[text.index('dct:title "'):].split('"@nl', 1)[0] + '"@nl'
    path.write_text(text.replace(old, f'dct:title "Sociale cohesie {n}"@nl', 1))


def complete(var) -> str | None:
    """Why the build in use is not a complete build that opens; None when it is."""
    try:
        folder = (var / "current").resolve(strict=True)
        store = stores.builds.open_build(folder, {"query_workers": 1})
        try:
            if len(store.graph) != store.manifest["counts"]["triples"]:
                return f"{folder.name}: the store holds {len(store.graph)} triples, the manifest counts more"
        finally:
            store.close()
        history.read(folder), feed.read(folder)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


@pytest.fixture
def prepared(tmp_path, graph_copy):
    """A build folder with one build, and how long that build took (to spread the kills over)."""
    var = tmp_path / "var"
    began = time.monotonic()
    done = samenleven("--build-dir", var, "--graph-dir", graph_copy, "build")
    assert done.returncode == 0, done.stderr[-2000:]
    return var, graph_copy, time.monotonic() - began


def kill_loop(prepared, tally, kills: int, seed: int) -> None:
    var, graph, duration = prepared
    chance = random.Random(seed)
    for i in range(kills):
        delay = duration * (i + chance.random()) / kills  # one kill in each slice of the build's duration
        retitle(graph, i)
        in_use = (var / "current").resolve()
        process = start(var, graph)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        problem = complete(var)
        after = samenleven("--build-dir", var, "--graph-dir", graph, "build")
        ok = problem is None and after.returncode == 0 and complete(var) is None
        assert tally(CLASS).case(f"SIGKILL {delay:.2f}s into a build", ok), \
            (f"seed {seed}, kill {i} at {delay:.2f}s, in use before: {in_use.name}", problem, after.stderr[-1500:])
    assert not list((var / "builds").glob("*.partial"))
    process, url = start_server(var)  # and the real server serves the last build
    try:
        with urllib.request.urlopen(url + "/", timeout=30) as response:
            assert (var / "current").resolve().name in response.read().decode()
    finally:
        stop_server(process)


def test_a_few_kills_at_random_moments_leave_a_complete_build_in_use(prepared, tally):
    kill_loop(prepared, tally, kills=3, seed=int(os.environ.get("SAMENLEVEN_TEST_SEED", random.randrange(10**6))))


@pytest.mark.soak
def test_many_kills_at_random_moments_leave_a_complete_build_in_use(prepared, tally):
    kill_loop(prepared, tally, kills=60, seed=int(os.environ.get("SAMENLEVEN_TEST_SEED", random.randrange(10**6))))


def test_a_kill_right_before_the_swap_leaves_the_build_in_use_unchanged(prepared, tally):
    """Watch the partial folder until its store, dumps and feed are written, stop the build there, then kill it."""
    var, graph, _ = prepared
    for attempt in range(5):  # the build may outrun the watcher; then try again
        retitle(graph, 100 + attempt)
        in_use = (var / "current").resolve()
        process, seen = start(var, graph), None
        while process.poll() is None and seen is None:
            seen = next((p for p in (var / "builds").glob("*.partial") if (p / feed.MEMBERS).exists()), None)
            time.sleep(0.002)
        process.send_signal(signal.SIGSTOP)
        caught = seen is not None and seen.exists() and (seen / "store").is_dir()
        process.send_signal(signal.SIGKILL)
        process.wait()
        if caught:
            break
        shutil.rmtree(seen, ignore_errors=True) if seen else None
    assert caught, "the build swapped before the watcher saw its partial folder, five times"
    unchanged = (var / "current").resolve() == in_use and complete(var) is None
    after = samenleven("--build-dir", var, "--graph-dir", graph, "build")
    recovered = after.returncode == 0 and not seen.exists() and complete(var) is None
    assert tally(CLASS).case("SIGKILL with the new build written, before the swap", unchanged and recovered)
