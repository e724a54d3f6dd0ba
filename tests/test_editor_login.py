"""The editors' login under attack, over real HTTP from several client addresses of the loopback network, and the
sessions the command line ends (SECURITY.md, "Contributions and the editors' side").

What is expected comes from OWASP's Authentication Cheat Sheet: one generic answer whether the name exists or not
("Authentication and Error Messages"), and no lock-out that someone else can set off ("Account Lockout").
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
from _editors import Browser, add_editor
from conftest import PROJECT, start_server, stop_server

PASSWORD = "correct horse battery staple"
FAILURES = 3  # max_login_failures of the test server
# Failures past FAILURES that bring a pair's wait to its longest, an hour (README): far longer than any test takes,
# so no test depends on how fast the machine is.
TO_THE_LONGEST = 13


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    """A server of a copy of the session's build, with editors `cy`, `dee` and `eef`; yield (url, build folder)."""
    var = tmp_path_factory.mktemp("login") / "var"
    shutil.copytree(built[0]["build_dir"], var, symlinks=True)
    for name in ("cy", "dee", "eef"):
        done = add_editor(name, PASSWORD, build_dir=var)
        assert done.returncode == 0, done.stderr
    process, url = start_server(var, max_login_failures=FAILURES, login_rate="1000 per minute")
    yield url, var
    stop_server(process)


def editor(*arguments, var) -> subprocess.CompletedProcess:
    """Run `samenleven editor ...` on the build folder ``var``."""
    return subprocess.run([sys.executable, "-m", "publisher", f"--build-dir={var}", "editor", *arguments],
                          capture_output=True, text=True, cwd=PROJECT)


def answer(reply) -> tuple:
    """What a login's answer tells: its status and its page without the values that differ by design (the
    CSRF token and the name typed, which the form shows again)."""
    status, headers, body = reply
    body = re.sub(r'name="csrf_token" value="[^"]+"', "", body)
    body = re.sub(r'name="name" value="[^"]*"', "", body)
    return status, headers.get("WWW-Authenticate"), body


def test_failures_from_another_address_do_not_lock_the_editor_out(site):
    url, _ = site
    outsider = "127.0.0.2"
    for _ in range(FAILURES + TO_THE_LONGEST):
        assert Browser(url, outsider).login("cy", "a guess of the outsider")[0] == 401
    assert Browser(url, outsider).login("cy", PASSWORD)[0] == 401  # this address now waits, even when right
    status, headers, _ = Browser(url, "127.0.0.1").login("cy", PASSWORD)  # the editor, elsewhere
    assert status == 303 and headers["Location"] == "/redactie"


def test_the_answer_tells_no_unknown_name_wrong_password_or_waiting_apart(site):
    url, _ = site
    client = "127.0.0.3"
    unknown = answer(Browser(url, client).login("niemand", PASSWORD))
    wrong = answer(Browser(url, client).login("dee", "not the password"))
    for _ in range(FAILURES + TO_THE_LONGEST):
        Browser(url, client).login("dee", "not the password")
    waiting = answer(Browser(url, client).login("dee", PASSWORD))  # the right password, while this pair waits
    assert unknown[0] == 401 and unknown[1] == 'Cookie realm="redactie"'
    assert unknown == wrong == waiting
    assert "de naam of het wachtwoord klopt niet" in unknown[2]


def test_logins_past_login_rate_get_the_same_answer_and_other_addresses_do_not(site):
    url, var = site
    process, throttled = start_server(var, max_login_failures=100, login_rate="3 per hour")
    try:
        client = "127.0.0.4"
        first = [answer(Browser(throttled, client).login(name, "a guess")) for name in ("cy", "dee", "niemand")]
        past = answer(Browser(throttled, client).login("eef", PASSWORD))  # right, but the fourth try this minute
        other = Browser(throttled, "127.0.0.5").login("eef", PASSWORD)
    finally:
        stop_server(process)
    assert [a[0] for a in first] == [401, 401, 401]
    assert past == first[0]
    assert other[0] == 303


def test_a_new_password_ends_the_editor_s_sessions_and_no_one_else_s(site):
    url, var = site
    dee, eef = Browser(url), Browser(url)
    assert dee.login("dee", PASSWORD)[0] == 303 and eef.login("eef", PASSWORD)[0] == 303
    assert dee.get("/redactie")[0] == 200
    assert add_editor("dee", PASSWORD + " 2", "--replace", build_dir=var).returncode == 0
    status, headers, _ = dee.get("/redactie")
    assert status == 302 and headers["Location"].startswith("/redactie/login")
    assert dee.get("/redactie", Accept="application/json")[0] == 401
    assert eef.get("/redactie")[0] == 200
    assert Browser(url).login("dee", PASSWORD)[0] == 401
    assert Browser(url).login("dee", PASSWORD + " 2")[0] == 303


def test_a_disabled_editor_is_logged_out_and_refused_until_a_new_password(site):
    url, var = site
    browser = Browser(url)
    assert browser.login("eef", PASSWORD)[0] == 303
    done = editor("disable", "eef", var=var)
    assert done.returncode == 0, done.stderr
    assert browser.get("/redactie")[0] == 302
    assert answer(Browser(url).login("eef", PASSWORD)) == answer(Browser(url).login("niemand", PASSWORD))
    assert add_editor("eef", PASSWORD + " 3", "--replace", build_dir=var).returncode == 0
    assert Browser(url).login("eef", PASSWORD + " 3")[0] == 303


def test_end_sessions_logs_an_editor_out_everywhere_and_the_password_still_opens(site):
    url, var = site
    first, second = Browser(url), Browser(url)
    assert first.login("cy", PASSWORD)[0] == 303 and second.login("cy", PASSWORD)[0] == 303
    done = editor("end-sessions", "cy", var=var)
    assert done.returncode == 0, done.stderr
    assert first.get("/redactie")[0] == 302 and second.get("/redactie")[0] == 302
    assert Browser(url).login("cy", PASSWORD)[0] == 303


def test_the_commands_refuse_an_editor_that_does_not_exist(site):
    _, var = site
    for command in ("disable", "end-sessions"):
        done = editor(command, "niemand", var=var)
        assert done.returncode != 0 and "there is no editor niemand" in done.stderr
    assert editor("list", var=var).stdout.split() == ["cy", "dee", "eef"]


@pytest.mark.parametrize("setting", ["login_rate", "contribute_rate"])
def test_a_rate_that_is_no_limit_stops_the_server_naming_the_setting(built, setting):
    done = subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(built[0]["build_dir"]), "serve",
                           "--port", "0"], capture_output=True, text=True, cwd=PROJECT, timeout=300,
                          env={**os.environ, f"SAMENLEVEN_{setting.upper()}": "ten a minute"})
    assert done.returncode == 2 and f"{setting}: 'ten a minute' is not a rate limit" in done.stderr, done.stderr
