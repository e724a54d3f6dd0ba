"""Describe the machine a benchmark ran on: cores, CPU, memory, kernel, Python, versions, load average."""

import os
import platform
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGES = ("samenleven", "pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "flask", "gunicorn", "uvicorn")


def cpu_model() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                platform.processor() or platform.machine())


def memory_gb() -> float:
    total = next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return round(int(total) / 2**20, 1)


def tool_version(command: list[str]) -> str:
    """The first line a tool prints about its version, or "missing"."""
    if shutil.which(command[0]) is None and not os.access(command[0], os.X_OK):
        return "missing"
    done = subprocess.run(command, capture_output=True, text=True)
    return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]


def packages() -> dict:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def describe(tools: dict | None = None) -> dict:
    """The machine, the packages' versions and ``tools`` (name: version command) as found now."""
    return {"cores": os.cpu_count(), "cpu": cpu_model(), "memory_gb": memory_gb(),
            "kernel": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "packages": packages(), "tools": {name: tool_version(command) for name, command in (tools or {}).items()},
            "load_average": load_average()}
