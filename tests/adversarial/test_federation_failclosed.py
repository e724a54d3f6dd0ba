"""Where the kernel refuses the network namespace, the endpoint fails closed and says so at start.

The refusal is real: a seccomp filter, installed by a ``sitecustomize`` module on the server's PYTHONPATH (and
inherited by every process it starts), makes unshare(2) fail with EPERM, as on a kernel without namespaces.
"""

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings

from _federation import Listener, send, service_queries
from conftest import PROJECT, start_server, stop_server

# A BPF program: on x86-64, unshare (syscall 272) returns EPERM; every other call is allowed (seccomp(2)).
DENY_UNSHARE = '''
import ctypes, platform, struct
if platform.machine() == "x86_64":
    program = [(0x20, 0, 0, 4), (0x15, 1, 0, 0xC000003E), (0x06, 0, 0, 0x7FFF0000),
               (0x20, 0, 0, 0), (0x15, 0, 1, 272), (0x06, 0, 0, 0x00050001), (0x06, 0, 0, 0x7FFF0000)]
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *step) for step in program))

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
    libc.prctl(22, 2, ctypes.byref(Program(len(program), ctypes.cast(code, ctypes.c_void_p))), 0, 0)
'''


@pytest.fixture
def no_namespaces(tmp_path, monkeypatch):
    if subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout.strip() != "x86_64":
        pytest.skip("the seccomp filter of this test is written for x86-64")
    (tmp_path / "sitecustomize.py").write_text(DENY_UNSHARE)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))


def test_the_server_says_at_start_that_isolation_is_unavailable_and_why(built, no_namespaces):
    started = subprocess.run([sys.executable, "-c", "from publisher.app import create_app; "
                              f"create_app({{'build_dir': {str(built[0]['build_dir'])!r}}})"],
                             cwd=PROJECT, capture_output=True, text=True, timeout=60)
    lines = [line for line in started.stderr.splitlines() if "network" in line]
    assert len(lines) == 1 and "unshare" in lines[0] and "Operation not permitted" in lines[0] \
        and "SERVICE is refused" in lines[0], started.stderr


def test_without_isolation_every_query_that_mentions_service_is_refused(built, no_namespaces, tally):
    listener = Listener("127.0.0.1")
    process, url = start_server(built[0]["build_dir"])
    attack = tally("SERVICE smuggling (lexer on)")
    try:
        assert send(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "get")[0] == 200
        for query in ['SELECT ("a service" AS ?x) {}', "SELECT * { ?s a <http://example.org/DataService> }",
                      "SELECT * {} # \\u0073ervice"]:
            status, _, body = send(url, query, "get")
            assert attack.case(f"fail closed: {query}", status == 403 and b"service_allow" in body), body

        @settings(derandomize=True, max_examples=40, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(service_queries([listener.url]))
        def case(query):
            status, _, body = send(url, query, "form")
            refused = status == 403 and b"service_allow" in body and listener.connections == 0
            assert attack.case(f"fail closed: {query}", refused), (status, body[:300], query)

        case()
    finally:
        stop_server(process)
        listener.close()
