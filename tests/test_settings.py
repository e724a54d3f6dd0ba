"""The README carries the tables the code derives (settings, canned queries); the settings layers override in order."""

import pytest

from conftest import PROJECT
from publisher import config


def test_the_readme_carries_the_settings_table_of_the_code():
    assert config.markdown_table() in (PROJECT / "README.md").read_text()


def test_environment_overrides_defaults_and_given_values_override_both():
    environ = {"SAMENLEVEN_BASE": "http://example.org/a/", "SAMENLEVEN_KEEP_BUILDS": "5"}
    assert config.load(environ=environ)["base"] == "http://example.org/a/"
    assert config.load(environ=environ)["keep_builds"] == 5
    assert config.load({"base": "http://example.org/b"}, environ=environ)["base"] == "http://example.org/b/"
    assert config.load(environ={})["base"] == "https://w3id.org/samenleven/"


def test_the_readme_carries_the_table_of_canned_queries():
    from publisher import queries
    assert queries.markdown_table(queries.load(PROJECT / "queries")) in (PROJECT / "README.md").read_text()


def test_create_app_takes_settings_from_the_mapping_it_is_given(built):
    from publisher.app import create_app
    settings, _ = built
    app = create_app({"build_dir": settings["build_dir"], "max_rows": 5})
    try:
        response = app.test_client().get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert response.status_code == 200 and response.headers["Results-Truncated"] == "max_rows=5"
        assert len(response.get_json()["results"]["bindings"]) == 5
    finally:
        app.extensions["samenleven.store"].get().close()


@pytest.mark.parametrize("text,expected", [("false", False), ("0", False), ("no", False), ("False", False),
                                           ("true", True), ("1", True), ("yes", True)])
def test_a_boolean_setting_reads_false_0_and_no_as_false(text, expected):
    flag = config.Setting("flag", True, "a boolean setting")
    assert flag.convert(text) is expected


def test_a_setting_of_the_wrong_type_stops_the_command_with_its_name(tmp_path):
    import os
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "publisher", "--build-dir", tmp_path, "build"], cwd=PROJECT,
                          capture_output=True, text=True, env={**os.environ, "SAMENLEVEN_MAX_ROWS": "many"})
    assert done.returncode == 2
    assert "SAMENLEVEN_MAX_ROWS" in done.stderr and "'many'" in done.stderr and "Traceback" not in done.stderr
