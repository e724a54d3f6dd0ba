"""Every setting is an option of the command, before the command's name, and an option beats the environment
(README, "Settings")."""

import json
import os
import subprocess
import sys
import time
import urllib.parse

from conftest import PROJECT, free_port, http, stop_server
from publisher import config


def test_help_lists_every_setting_as_an_option_with_its_variable():
    done = subprocess.run([sys.executable, "-m", "publisher", "--help"], capture_output=True, text=True,
                          cwd=PROJECT, env=dict(os.environ, COLUMNS="200"))
    assert done.returncode == 0
    flat = " ".join(done.stdout.split())
    missing = [s.name for s in config.SETTINGS if f"--{s.name.replace('_', '-')} " not in flat or s.env not in flat]
    assert len(config.SETTINGS) > 20 and missing == []


def test_a_setting_given_as_an_option_takes_effect_over_its_environment_variable(built):
    settings, _ = built
    port = free_port()
    env = dict(os.environ, SAMENLEVEN_MAX_ROWS="5")
    process = subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(settings["build_dir"]),
                                "--max-rows", "2", "serve", "--port", str(port)], cwd=PROJECT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode(
            {"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10"})
        for _ in range(200):  # until the server listens
            try:
                status, headers, body = http(url, headers={"Accept": "application/sparql-results+json"})
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200
        assert len(json.loads(body)["results"]["bindings"]) == 2 and headers["Results-Truncated"] == "max_rows=2"
    finally:
        stop_server(process)


def test_an_option_of_the_wrong_type_is_refused_naming_it():
    done = subprocess.run([sys.executable, "-m", "publisher", "--max-rows", "many", "serve"], capture_output=True,
                          text=True, cwd=PROJECT)
    assert done.returncode == 2 and "--max-rows" in done.stderr and "many" in done.stderr
