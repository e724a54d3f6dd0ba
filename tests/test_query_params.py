"""`samenleven query --param`: a name the query does not take is an error, never a silent default (issue 12)."""

import subprocess
import sys

import pytest

from conftest import PROJECT


def query(built, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(built[0]["build_dir"]), "query",
                           *args], capture_output=True, text=True, cwd=PROJECT, timeout=60)


@pytest.mark.parametrize("args, says", [
    # "gemeente" for "nis": it used to answer for Gent, the default, whatever gemeente was.
    (["initiatieven-in-gemeente", "--param", "gemeente=11002"], "--param gemeente: query initiatieven-in-gemeente "
                                                                "takes nis"),
    (["wijzigingen-sinds", "--param", "since=2020-01-01"], "takes sinds, soort"),
    (["programmas", "--param", "nis=44021"], "query programmas takes no parameters"),
    (["initiatieven-in-gemeente", "--param", "nis"], "--param 'nis': write NAME=VALUE"),
])
def test_an_unknown_param_is_an_error_naming_the_parameters_the_query_takes(built, args, says):
    done = query(built, *args)
    assert done.returncode != 0 and says in done.stderr and done.stdout == ""


def test_a_known_param_still_answers_for_its_value(built):
    done = query(built, "initiatieven-in-gemeente", "--param", "nis=11002", "--format", "csv")
    assert done.returncode == 0 and "gemeente/11002" in done.stdout and "gemeente/44021" not in done.stdout
