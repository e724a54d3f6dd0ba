"""The command is installed as `samenleven` and runs as `python -m publisher`."""

import shutil
import subprocess
import sys


def test_python_m_publisher_and_the_samenleven_command_are_the_same():
    by_module = subprocess.run([sys.executable, "-m", "publisher", "--help"], capture_output=True, text=True)
    command = shutil.which("samenleven") or str(__import__("pathlib").Path(sys.executable).with_name("samenleven"))
    by_script = subprocess.run([command, "--help"], capture_output=True, text=True)
    assert by_module.returncode == by_script.returncode == 0
    for name in ("build", "validate", "import", "link", "serve"):
        assert name in by_module.stdout
    assert by_module.stdout.replace("python -m publisher", "samenleven") == by_script.stdout.replace(
        "python -m publisher", "samenleven")
