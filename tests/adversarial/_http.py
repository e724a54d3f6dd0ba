"""A raw HTTP/1.1 client for the adversarial tests: it sends exactly the bytes a test writes (a space or ``..`` in
the path, a made-up ``Host``, a chunked body), which http.client and urllib would refuse or tidy up."""

import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int
    headers: list  # (lower-case name, value), in order
    body: bytes

    def header(self, name: str) -> str:
        return ", ".join(value for key, value in self.headers if key == name.lower())

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def send(url: str, target: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None,
         chunked: bool = False, host: str | None = None) -> Reply:
    """Send one request to the server at ``url`` with ``target`` as written, and read the whole reply."""
    address = urlsplit(url)
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host if host is not None else address.netloc}",
             "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body is not None and chunked:
        lines.append("Transfer-Encoding: chunked")
        size = 8192
        body = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
                        for i in range(0, len(body), size)) + b"0\r\n\r\n"
    elif body is not None:
        lines.append(f"Content-Length: {len(body)}")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        # Send while reading, as curl does: a server may answer (413) before it has read the whole body.
        sender = threading.Thread(target=_send_all, args=(connection, data), daemon=True)
        sender.start()
        received = []
        while True:
            try:
                chunk = connection.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received.append(chunk)
            if _complete(b"".join(received), method):
                break  # as curl does: a server may keep reading a body it refused before it closes
    sender.join(5)
    return parse(b"".join(received), method)


def _send_all(connection: socket.socket, data: bytes) -> None:
    try:
        connection.sendall(data)
    except OSError:
        pass  # the server closed the connection after answering; its answer is still there to read


def _complete(data: bytes, method: str) -> bool:
    """Whether ``data`` holds a whole reply whose length its Content-Length gives."""
    head, found, rest = data.partition(b"\r\n\r\n")
    if not found:
        return False
    lengths = [line.split(b":", 1)[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
    return bool(lengths) and (method == "HEAD" or len(rest) >= int(lengths[0]))


def parse(data: bytes, method: str = "GET") -> Reply:
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = [(name.strip().lower(), value.strip()) for name, _, value in
               (line.partition(":") for line in header_lines)]
    reply = Reply(int(status_line.split()[1]), headers, rest)
    if "chunked" in reply.header("Transfer-Encoding").lower() and method != "HEAD":
        reply.body = _unchunk(rest)
    return reply


def _unchunk(data: bytes) -> bytes:
    found = []
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        found.append(data[:size])
        data = data[size + 2:]
    return b"".join(found)
