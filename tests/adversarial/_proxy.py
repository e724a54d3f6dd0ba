"""Run the production set-up for the tests and the load benchmark: real nginx, configured by
``samenleven deploy nginx``, in front of gunicorn; and slow clients that send a byte at a time (slowloris)."""

import os
import select
import pwd
import grp
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import PROJECT, free_port

INSTALL = "make nginx (as root: apt-get install nginx from Debian's packages)"


def nginx_binary() -> str | None:
    """nginx on PATH or where Debian installs it, or None."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def workers_user() -> str:
    """The account nginx's workers run as when it starts as root; none otherwise (nginx would ignore it)."""
    if os.geteuid() != 0:
        return ""
    for name in ("www-data", "nobody"):
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            continue
        return f"{name} {grp.getgrgid(account.pw_gid).gr_name}"
    return "root root"


class Nginx:
    """nginx in the foreground with its pid, logs, temporary files and cache in a folder of its own."""

    def __init__(self, upstream: str, *options: str):
        self.state = Path(tempfile.mkdtemp(prefix="samenleven-nginx-"))
        self.state.chmod(0o755)  # the workers' account must reach its temporary files
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        configuration = subprocess.run(
            [sys.executable, "-m", "publisher", "deploy", "nginx", "--listen", f"127.0.0.1:{port}",
             "--upstream", upstream.removeprefix("http://"), "--state-dir", str(self.state),
             "--user", workers_user(), *options],
            cwd=PROJECT, capture_output=True, text=True, check=True).stdout
        self.conf = self.state / "nginx.conf"
        self.conf.write_text(configuration)
        self.process = subprocess.Popen([nginx_binary(), "-p", str(self.state), "-c", str(self.conf),
                                         "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait(port)

    def _wait(self, port: int) -> None:
        for _ in range(100):
            if self.process.poll() is not None:
                message = self.process.stderr.read().decode() + self.error_log()
                self.stop()
                raise RuntimeError(f"nginx stopped: {message}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not listen within 10 s")

    def error_log(self) -> str:
        path = self.state / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process.stderr.close()
        shutil.rmtree(self.state, ignore_errors=True)


def get(url: str, headers: dict | None = None, timeout: float = 10):
    """GET without following redirects; return (status, headers, body) of whatever answered, errors included."""
    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None
    opener = urllib.request.build_opener(Stay)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class SlowClients:
    """``count`` connections that each send a request one byte a second and never finish it (slowloris).

    ``body=False``: the request's headers never end; ``body=True``: the headers end, and the body announced by
    Content-Length trickles. Every loop is bounded: the clients stop after ``seconds`` or at ``close()``.
    """

    def __init__(self, url: str, count: int, body: bool = False, seconds: float = 60):
        host, port = url.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.head = f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: slowloris\r\n"
        if body:
            self.head = (f"POST /sparql HTTP/1.1\r\nHost: {host}:{port}\r\n"
                         "Content-Type: application/sparql-query\r\nContent-Length: 4000\r\n\r\nASK {")
        self.sockets, self.closed_by_server = [], 0
        self.more(count)
        self._stop = threading.Event()
        self._deadline = time.monotonic() + seconds
        self._filler = b" " if body else b"X"
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()

    def _trickle(self) -> None:
        while not self._stop.wait(1.0) and time.monotonic() < self._deadline:
            for sock in list(self.sockets):
                try:
                    sock.sendall(self._filler)
                except OSError:
                    self.sockets.remove(sock)
                    self.closed_by_server += 1

    def more(self, count: int) -> None:
        """Open ``count`` more slow connections."""
        for _ in range(count):
            sock = socket.create_connection(self.address, timeout=5)
            sock.sendall(self.head.encode())
            self.sockets.append(sock)

    def ports(self) -> set[int]:
        return {sock.getsockname()[1] for sock in self.sockets}

    def open(self) -> int:
        """How many the server still holds: it has neither answered nor closed them."""
        # Readable means the server said something (408, 400) or closed: either way it let go of the client.
        return sum(not select.select([sock], [], [], 0)[0] for sock in list(self.sockets))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for sock in self.sockets:
            sock.close()
