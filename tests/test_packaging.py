"""`pip install` of the project prints no warning of the build backend, and the wheel carries every data file."""

import subprocess
import sys
import zipfile

from conftest import PROJECT


def test_building_the_wheel_warns_of_nothing_and_ships_templates_queries_shapes_and_catalogues(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w",
                           tmp_path, PROJECT], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stdout + done.stderr
    [wheel] = tmp_path.glob("samenleven-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = [path.relative_to(PROJECT).as_posix() for path in (PROJECT / "publisher").rglob("*")
            if path.is_file() and path.suffix in (".html", ".rq", ".ttl", ".css", ".po")]
    assert data and [name for name in data if name not in names] == []
