"""Shut a query process off from the network and cap its memory, with the kernel's own mechanisms.

pyoxigraph evaluates SERVICE by opening HTTP connections itself. The lexer (``publisher.sparql``) refuses every
SERVICE it can read, with a clear 403; this module is the barrier behind it. A query worker moves into a network
namespace of its own before it opens the store (unshare(2) with CLONE_NEWNET): a new namespace holds only a
loopback interface that is down, so every connect() fails with ENETUNREACH, whatever the query says and however
it says it. Python 3.11 has no ``os.unshare``, hence ctypes.
"""

import ctypes
import errno
import multiprocessing
import os
import resource
import socket

CLONE_NEWUSER = 0x10000000  # <linux/sched.h>
CLONE_NEWNET = 0x40000000


def cut_network() -> None:
    """Move this process into an empty network namespace.

    :raises OSError: the kernel refuses (not Linux, no privilege, user namespaces disabled), with both reasons.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError) as error:
        raise OSError(errno.ENOSYS, f"unshare(2) is not available here ({error})") from None
    if unshare(CLONE_NEWNET) == 0:
        return
    first = ctypes.get_errno()
    # Without CAP_SYS_ADMIN, a process may still make a network namespace inside a user namespace of its own
    # (user_namespaces(7)); the kernel allows that only to a single-threaded process, hence "before the store".
    if unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
        return
    second = ctypes.get_errno()
    raise OSError(second, f"unshare(CLONE_NEWNET) failed ({os.strerror(first)}), and with CLONE_NEWUSER too "
                          f"({os.strerror(second)})")


def cap_memory(mib: int) -> None:
    """Limit the memory this process may allocate to ``mib`` MiB; an allocation past it fails.

    RLIMIT_DATA, not RLIMIT_AS: the address space of a process with a RocksDB store open holds file mappings and
    thread-stack reservations that are not memory in use, so under RLIMIT_AS = 256 MiB the store cannot even
    start its threads, while RLIMIT_DATA counts what a query allocates (heap and private anonymous mappings,
    setrlimit(2), since Linux 4.7) and a worker under 256 MiB of it still answers ordinary queries.
    """
    limit = mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def probe() -> str | None:
    """Try the network barrier in a throwaway process; return why it is unavailable, or None when it holds."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_probe, args=(send,), daemon=True, name="samenleven-probe")
    process.start()
    send.close()
    try:
        reason = receive.recv() if receive.poll(30) else "the probe did not answer within 30 s"
    except EOFError:
        reason = f"the probe process stopped (exit {process.exitcode})"
    process.join(5)
    if process.is_alive():
        process.kill()
    return reason


def _probe(send) -> None:
    """Cut the network, then check that a connection to the loopback address really fails."""
    try:
        cut_network()
    except OSError as error:
        send.send(str(error))
        return
    with socket.socket() as sock:
        sock.settimeout(1)
        try:
            sock.connect(("127.0.0.1", 9))
        except OSError as error:
            send.send(None if error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH)
                      else f"after unshare a connection failed in an unexpected way ({error})")
            return
    send.send("after unshare a connection to 127.0.0.1 still opened")
