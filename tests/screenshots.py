"""Look at the pages in a real browser: headless Chromium screenshots of the main pages, on a desktop and a phone.

Run after a build, with Chromium installed (Debian: ``apt-get install chromium``):
``.venv/bin/python tests/screenshots.py [--out /tmp/samenleven-screenshots] [--chromium /usr/bin/chromium]``.
It starts the real server on 127.0.0.1, points Chromium at each page and writes one PNG per page and width.
This is for people to look at (issue 4 asks for it); it asserts nothing. The browser check that does is
``tests/test_browser.py``; this script launches Chromium with its flags (``tests/_browser.py``), offline too.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from _browser import CHROMIUM, FLAGS  # noqa: E402
from conftest import start_server, stop_server  # noqa: E402
from publisher import config  # noqa: E402

PAGES = {
    "home": "/",
    "practice": "/doc/praktijk/sociale-cohesie",
    "initiative": "/doc/initiatief/lochristi-burenbuddies",
    "municipality": "/doc/gemeente/44021",
    "merged-municipality": "/doc/gemeente/44034",
    "concept-scheme": "/doc/conceptscheme/doelgroep",
    "ontology": "/ns",
    "practice-en": "/doc/praktijk/sociale-cohesie?lang=en",
    "list": "/initiatieven?provincie=40000",
    "search": "/search?q=gent",
    "statistics": "/statistieken",
    "query-result": "/queries/initiatieven-in-gemeente?nis=44021",
}
WIDTHS = {"desktop": (1280, 1600), "phone": (390, 2400)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "samenleven-screenshots")
    parser.add_argument("--chromium", default=shutil.which("chromium") or str(CHROMIUM))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    process, url = start_server(config.load()["build_dir"])
    try:
        for name, path in PAGES.items():
            for device, (width, height) in WIDTHS.items():
                target = args.out / f"{name}-{device}.png"
                with tempfile.TemporaryDirectory() as profile:
                    subprocess.run([args.chromium, *FLAGS, f"--user-data-dir={profile}",
                                    f"--window-size={width},{height}", f"--screenshot={target}", url + path],
                                   check=True, capture_output=True, timeout=60)
                print(target)
    finally:
        stop_server(process)


if __name__ == "__main__":
    main()
