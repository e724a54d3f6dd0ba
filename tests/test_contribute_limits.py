"""The limit of submissions per client address holds across server processes: `samenleven serve --workers 2`
(gunicorn) counts one client's submissions together, wherever they land (SECURITY.md)."""

import shutil
from concurrent.futures import ThreadPoolExecutor

from conftest import http, start_server, stop_server
from test_contribute import TURTLE

SENT, ALLOWED = 10, 3


def test_the_contribution_limit_holds_across_gunicorn_workers(built, tmp_path):
    var = tmp_path / "var"
    shutil.copytree(built[0]["build_dir"], var, symlinks=True)
    (var / "proposals.sqlite").unlink(missing_ok=True)  # other modules' submissions from 127.0.0.1 count there
    process, url = start_server(var, "--workers", "2", contribute_rate=f"{ALLOWED} per hour")
    bodies = [TURTLE.format(title=f"Soep nummer {n}", description='dct:description "Soep."@nl ;').encode()
              for n in range(SENT)]

    def send(body):
        # One connection each (urllib opens a new one): gunicorn hands it to whichever worker takes it first.
        return http(f"{url}/bijdragen", body, {"Content-Type": "text/turtle", "Accept": "application/json"}, "POST")

    try:
        with ThreadPoolExecutor(5) as pool:  # at once, so that both workers are busy taking them
            answers = list(pool.map(send, bodies))
    finally:
        stop_server(process)
    statuses = sorted(answer[0] for answer in answers)
    assert statuses == [202] * ALLOWED + [429] * (SENT - ALLOWED), statuses
    refused = next(answer for answer in answers if answer[0] == 429)
    assert b"contribute_rate" in refused[2] and int(refused[1]["Retry-After"]) > 0
