"""Load a finished build into a remote store, then switch the server to it (``samenleven load``, issue 14).

The build's N-Triples dump is PUT into a named graph of its own (SPARQL 1.1 Graph Store HTTP Protocol §5.3,
``?graph=urn:samenleven:build:{id}``), read back to count its triples, and only when every triple is there does
``loaded`` in the build folder point to it, in one atomic rename; the servers whose ``store`` setting names that
store follow the link. Until then, they keep serving the graph of the build loaded before, which the PUT of
another graph does not touch. Any failure leaves ``loaded`` as it was and says what and where.
"""

import gzip
import http.client
import os
import time
import urllib.parse
from pathlib import Path

from publisher import artefacts
from publisher.errors import PublisherError
from publisher.store.remote import graph_name

DUMP = "graph.nt.gz"
_CHUNK = 1 << 16


class LoadError(PublisherError):
    """A load that did not complete: the served build is unchanged."""


class _Deadlocked(LoadError):
    """The store gave up the PUT's transaction in a deadlock (SQLSTATE 40001): the same PUT may go through."""


ATTEMPTS = 3  # Virtuoso 7.2 deadlocked on 1 of 2 PUTs of a 10k build (889,344 triples) on a busy machine


def load(settings: dict, endpoint: str, report=lambda message: None) -> str:
    """Put the build in use into the Graph Store endpoint ``endpoint`` and point ``loaded`` at it.

    :returns: the name of the graph that holds the build.
    :raises LoadError: no build, an endpoint that cannot be reached, an answer that is not 2xx, an upload that
        broke off, or a graph that holds fewer triples than the build.
    """
    folder = artefacts.current(settings)
    if folder is None or not (folder / DUMP).is_file():
        raise LoadError(f"there is no build with a {DUMP} in {settings['build_dir']} to load: "
                        "run `samenleven build` first")
    graph = graph_name(folder.name)
    target = _target(endpoint, graph)
    kept = f"the server still serves {_served(settings)}"
    report(f"putting build {folder.name} into {graph} at {endpoint}")
    for attempt in range(1, ATTEMPTS + 1):
        try:
            sent = _put(target, folder / DUMP, kept)
            break
        except _Deadlocked as error:
            if attempt == ATTEMPTS:
                raise LoadError(f"{error} (after {ATTEMPTS} attempts)") from None
            report(f"the store deadlocked (attempt {attempt} of {ATTEMPTS}); putting the graph again")
    report(f"sent {sent} triples; reading them back")
    held = _count(target, kept)
    if held != sent:
        raise LoadError(f"{endpoint} holds {held} triples in graph {graph}, the build has {sent}: the upload is "
                        f"incomplete; {kept}")
    _switch(Path(settings["build_dir"]), folder)
    return graph


def _target(endpoint: str, graph: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LoadError(f"--endpoint {endpoint!r} is not an http(s) URL of a Graph Store Protocol endpoint")
    query = urllib.parse.urlencode({"graph": graph})
    return parts._replace(query=f"{parts.query}&{query}" if parts.query else query)


def _connection(target) -> http.client.HTTPConnection:
    kind = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    return kind(target.hostname, target.port, timeout=300)


def _size(dump: Path) -> int:
    """The bytes of the decompressed dump, read once without keeping it."""
    size = 0
    with gzip.open(dump, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
    return size


def _put(target, dump: Path, kept: str) -> int:
    """PUT the dump, decompressed as it is read; return how many triples (lines) were sent.

    The body goes with its Content-Length, not chunked: Virtuoso 7.2 answers 201 to a chunked PUT and stores
    nothing (RFC 9112 §7.1: every HTTP/1.1 recipient must decode chunked bodies), so the length is read first.
    """
    where = urllib.parse.urlunsplit(target)
    size = _size(dump)
    lines = 0

    def body():
        nonlocal lines
        with gzip.open(dump, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                lines += chunk.count(b"\n")
                yield chunk

    connection = _connection(target)
    try:
        connection.request("PUT", f"{target.path or '/'}?{target.query}", body=body(),
                           headers={"Content-Type": "application/n-triples", "Content-Length": str(size)})
        response = connection.getresponse()
        answer = response.read(2000).decode("utf-8", "replace")
    except (ConnectionRefusedError, OSError) as error:
        during = "cannot be reached" if lines == 0 else f"broke off the upload after {lines} triples"
        raise LoadError(f"{where} {during} ({error}); {kept}") from None
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        kind = _Deadlocked if response.status >= 500 and ("40001" in answer or "deadlock" in answer.lower()) \
            else LoadError
        raise kind(f"{where} answered {response.status} {response.reason} to the PUT: "
                   f"{' '.join(answer.split())[:300]}; {kept}")
    return lines


def _count(target, kept: str) -> int:
    """GET the graph back as N-Triples and count its triples."""
    where = urllib.parse.urlunsplit(target)
    connection = _connection(target)
    try:
        connection.request("GET", f"{target.path or '/'}?{target.query}", headers={"Accept": "application/n-triples"})
        response = connection.getresponse()
        if response.status != 200:
            raise LoadError(f"{where} answered {response.status} {response.reason} when the graph was read back; "
                            f"{kept}")
        count = 0
        while chunk := response.read(_CHUNK):
            count += chunk.count(b"\n")
        return count
    except OSError as error:
        raise LoadError(f"{where} could not be read back ({error}); {kept}") from None
    finally:
        connection.close()


def _served(settings: dict) -> str:
    folder = artefacts.current(settings | {"store": "remote"}, served_link=True)
    return f"build {folder.name}" if folder else "no build yet"


def _switch(root: Path, folder: Path) -> None:
    """Point ``root/loaded`` at ``folder`` in one atomic rename."""
    temporary = root / f".loaded-{os.getpid()}-{time.monotonic_ns()}"
    temporary.symlink_to(Path("builds") / folder.name)
    os.replace(temporary, root / "loaded")
