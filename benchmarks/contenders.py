"""Start the servers a benchmark compares on 127.0.0.1, time their start-up, read their memory, stop them."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OXIGRAPH = BIN / "oxigraph"  # the Rust server in PyPI's `oxigraph` wheel (test extra)
RDFLIB_ENDPOINT = BIN / "rdflib-endpoint"  # PyPI's `rdflib-endpoint[cli]` (bench extra)
# Every wrk connection comes from 127.0.0.1: the publisher's share per client address (one query at a time, a
# 503 after a second's wait) would turn the benchmark into a count of refusals, so it is raised here, and the
# results say so. The settings as shipped are measured by load.py's runaways.
ONE_ADDRESS = {"client_queries": 1000, "query_queue_wait": 30}
ASK = "/query?query=ASK%7B%7D"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(url: str, timeout: float = 5) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its children (workers, query processes), summed, in MiB."""
    parent = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)]) / 2**20


class Server:
    """A server process started now, ready at its first 200 on ``probe``; ``startup`` is the seconds that took."""

    def __init__(self, name: str, command: list[str], port: int, probe: str = "/", env: dict | None = None,
                 wait: float = 600, cwd: Path = PROJECT):
        self.name, self.url, self.scratch = name, f"http://127.0.0.1:{port}", None
        self.log = tempfile.TemporaryFile()  # a pipe nobody reads would fill and block the server
        started = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self.log, stderr=self.log)
        while (waited := time.perf_counter() - started) < wait:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"{name} stopped: {self.log.read().decode(errors='replace')[-2000:]}")
            try:
                if status(self.url + probe) == 200:
                    self.startup = waited
                    return
            except OSError:
                time.sleep(0.005)
        self.stop()
        raise SystemExit(f"{name} did not answer 200 on {probe} within {wait:.0f} s")

    def rss_mb(self) -> float:
        return tree_rss_mb(self.process.pid)

    def idle(self, limit: float = 180) -> float:
        """Wait until the process tree uses under a tenth of a core (wrk has stopped, but a server may still be
        working through queries it accepted, which would weigh on the next contender's figures); return the
        seconds waited."""
        started = time.perf_counter()
        while time.perf_counter() - started < limit:
            parent = psutil.Process(self.process.pid)
            tree = [parent, *parent.children(recursive=True)]
            before = sum(sum(p.cpu_times()[:2]) for p in tree if p.is_running())
            time.sleep(0.5)
            if sum(sum(p.cpu_times()[:2]) for p in tree if p.is_running()) - before < 0.05:
                break
        return time.perf_counter() - started

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def publisher(build_dir: Path, workers: int = 2, source: Path = PROJECT, name: str = "publisher",
              **settings) -> Server:
    """``samenleven serve --workers N`` (gunicorn) on the build, the per-address limits raised; ``source`` is the
    source tree whose publisher runs (another commit's, unpacked with ``git archive``, for a before and after)."""
    port = free_port()
    command, env = serve(build_dir, port, workers, source, **settings)
    return Server(name, command, port, env=env, cwd=source)


def serve(build_dir: Path, port: int, workers: int = 2, source: Path = PROJECT, **settings) -> tuple[list, dict]:
    """The command and environment of ``samenleven serve --workers N`` from ``source``, the per-address limits
    raised."""
    env = dict(os.environ, **{f"SAMENLEVEN_{k.upper()}": str(v) for k, v in {**ONE_ADDRESS, **settings}.items()})
    if source != PROJECT:
        env["PYTHONPATH"] = str(source)
    return [sys.executable, "-m", "publisher", "--build-dir", str(build_dir), "serve", "--port", str(port),
            "--workers", str(workers)], env


def oxigraph_load(dump: Path, location: Path) -> float:
    """Load a dump into a new Oxigraph database with ``oxigraph load``; return the seconds it took."""
    started = time.perf_counter()
    subprocess.run([str(OXIGRAPH), "load", "--location", str(location), "--file", str(dump)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def oxigraph(location: Path) -> Server:
    """``oxigraph serve-read-only`` on a database ``oxigraph_load`` made."""
    port = free_port()
    return Server("Oxigraph", [str(OXIGRAPH), "serve-read-only", "--location", str(location), "--bind",
                               f"127.0.0.1:{port}"], port, probe=ASK)


def minimal(store: Path, workers: int = 2) -> Server:
    """``benchmarks/minimal.py`` (Flask and pyoxigraph, no guardrail) under gunicorn as the publisher is served
    (``publisher.production``: gthread, 4 threads a worker): the bound of a Python server on this engine."""
    port = free_port()
    return Server("minimal", [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "gthread",
                              "--threads", "4", "--bind", f"127.0.0.1:{port}", "benchmarks.minimal:app"], port,
                  probe="/sparql?query=ASK%7B%7D", env=dict(os.environ, MINIMAL_STORE=str(store)))


def rdflib_endpoint(dump: Path) -> Server:
    """``rdflib-endpoint serve`` on the dump: it parses the file into memory before it answers."""
    port = free_port()
    return Server("rdflib-endpoint", [str(RDFLIB_ENDPOINT), "serve", str(dump), "--host", "127.0.0.1", "--port",
                                      str(port)], port, probe="/?query=ASK%7B%7D")


NGINX_CONF = """worker_processes {workers};
pid {state}/nginx.pid;
error_log {state}/error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path {state}/body;
  proxy_temp_path {state}/proxy;
  fastcgi_temp_path {state}/fastcgi;
  uwsgi_temp_path {state}/uwsgi;
  scgi_temp_path {state}/scgi;
  types {{ }}
  server {{
    listen 127.0.0.1:{port};
    root {root};
{locations}
  }}
}}
"""


def nginx(root: Path, types: dict, probe: str, workers: int = 2) -> Server:
    """nginx serving the files under ``root``, each suffix with its content type (``types``: suffix → type)."""
    binary = next((p for p in ("/usr/sbin/nginx", "/usr/bin/nginx") if os.access(p, os.X_OK)), None)
    if binary is None:
        raise SystemExit("nginx is missing: make .venv/.nginx (as root: apt-get install nginx)")
    state = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    port = free_port()
    locations = "\n".join(f'    location ~ \\.{suffix}$ {{ default_type "{kind}"; }}' for suffix, kind in types.items())
    conf = state / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=workers, state=state, port=port, root=root, locations=locations))
    server = Server("nginx", [binary, "-p", str(state), "-c", str(conf), "-g", "daemon off;"], port, probe=probe,
                    wait=30)
    server.scratch = state  # its pid file, logs and temporary folders, removed when it stops
    return server
