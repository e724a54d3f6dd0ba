"""Run untrusted queries in worker processes that can be killed, so that a limit really stops the work.

pyoxigraph offers no way to cancel a query once it runs, and a thread cannot be stopped. So each query a client
sends runs in a separate process with the store open read-only; if it has not answered when its time is up, the
process is killed (SIGKILL: its core and memory are freed at once) and a fresh one is started for the next query.
Each worker caps its own memory (``query_memory``: an allocation past it kills the worker, which is replaced)
and, unless SERVICE calls are allowed, leaves the network before it opens the store (``publisher.isolation``).
A query waits at most ``query_queue_wait`` for a free worker. Workers are started when first needed and reused;
jobs and results cross the pipe as bytes (``publisher.store.wire``), the results already serialized, capped at
``max_rows`` and ``max_result_size``; the server reads no answer longer than that cap allows.
"""

import math
import multiprocessing
import select
import signal
import threading
from dataclasses import dataclass

import pyoxigraph as ox

from publisher import isolation
from publisher.store import wire
from publisher.store.answers import Answer, Job, answer
from publisher.errors import Unavailable

__all__ = ["Answer", "Job", "Limits", "Sandbox", "answer"]
_CONTEXT = multiprocessing.get_context("spawn")  # no fork: the parent may hold threads and an open store
# How a worker that ran out of memory dies: Rust aborts on a failed allocation, the C++ of RocksDB may crash on
# one, and the kernel's OOM killer sends SIGKILL.
_MEMORY_DEATHS = {-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, -signal.SIGKILL}
_HEAD = 1 << 20  # room for an answer's head (its error message) beside the body's cap


@dataclass(frozen=True)
class Limits:
    """What bounds the pool: its size, the wait for a free worker, a worker's memory, and its network."""

    workers: int = 2
    queue_wait: float = 1.0  # seconds
    memory: int = 1024  # MiB per worker
    isolate: bool = False  # move each worker into an empty network namespace before it opens the store


class Sandbox:
    """A pool of at most ``limits.workers`` worker processes reading the store at ``path``."""

    def __init__(self, path: str, limits: Limits = Limits()):
        self.path, self.limits = path, limits
        self._idle: list[_Worker] = []
        self._slots = threading.BoundedSemaphore(limits.workers)
        self._lock = threading.Lock()
        self._closed = False

    def run(self, job: Job, timeout: float) -> Answer:
        """Run ``job``; kill its worker if it takes longer than ``timeout`` seconds or runs out of memory.

        :raises Unavailable: no worker was free within ``queue_wait``, the query ran out of time or memory, or its
            worker died.
        """
        wait = self.limits.queue_wait
        if not self._slots.acquire(timeout=wait):
            raise Unavailable(f"every query process stayed busy for {wait:g} s (query_queue_wait); try again "
                              "later", limit="query_queue_wait", headers={"Retry-After": str(math.ceil(timeout))})
        try:
            worker = self._take()
            try:
                answer = worker.ask(job, timeout)
            except TimeoutError:
                worker.kill()
                raise Unavailable(f"the query was stopped after {timeout:g} s, the limit of this endpoint. "
                                  "Narrow it down (a LIMIT, fewer patterns) or download a dump and query it "
                                  "locally.", limit="query_timeout") from None
            except (EOFError, OSError):
                worker.process.join(0.5)  # how it ended, read before our own kill could give it a SIGKILL
                died = worker.process.exitcode
                worker.kill()
                if died in _MEMORY_DEATHS:
                    raise self._out_of_memory() from None
                raise Unavailable("the process running the query stopped unexpectedly; try again") from None
            if answer.error == "memory":
                worker.kill()  # its heap may stay fragmented: a fresh process for the next query
                raise self._out_of_memory()
            self._give_back(worker)
            return answer
        finally:
            self._slots.release()

    def _out_of_memory(self) -> Unavailable:
        return Unavailable(f"the query needed more than {self.limits.memory} MiB of memory, the limit of a query "
                           "process on this endpoint (query_memory); the process was replaced. Narrow the query "
                           "down (fewer patterns, no ORDER BY over everything) or download a dump and query it "
                           "locally.", limit="query_memory")

    def close(self) -> None:
        """Stop the idle workers now and the busy ones when they finish."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def _take(self) -> "_Worker":
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Worker(self.path, self.limits)

    def _give_back(self, worker: "_Worker") -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.kill()


class _Worker:
    """One process with the store open, answering jobs sent over a pipe."""

    def __init__(self, path: str, limits: Limits):
        self.connection, child = _CONTEXT.Pipe()
        try:
            self.process = _CONTEXT.Process(target=_serve, args=(path, child, limits), daemon=True,
                                            name="samenleven-query")
            self.process.start()
        except BaseException:  # no process (out of file handles, of memory): no pipe left open either
            self.connection.close()
            raise
        finally:
            child.close()
        self.sender = wire.Sender()
        self.poller = select.poll()  # readable, or hung up when the process died
        self.poller.register(self.connection.fileno(), select.POLLIN)

    def ask(self, job: Job, timeout: float) -> Answer:
        """Send ``job`` and wait for its answer.

        :raises TimeoutError: no answer within ``timeout`` seconds.
        :raises EOFError, OSError: the process ended, or sent more than an answer may hold.
        """
        self.connection.send_bytes(self.sender.job(job))
        # One poll object per worker, made once: Connection.poll builds a selector on every call.
        if not self.poller.poll(math.ceil(timeout * 1000)):
            raise TimeoutError
        return wire.read_answer(self.connection.recv_bytes(min(job.max_bytes, 1 << 62) + _HEAD))

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


def _serve(path: str, connection, limits: Limits) -> None:
    """The worker's loop: cut the network and cap memory, open the store, then answer jobs until the pipe closes."""
    try:
        if limits.isolate:
            isolation.cut_network()  # first: the kernel allows it only while the process has a single thread
        isolation.cap_memory(limits.memory)
    except OSError as error:  # fail closed: a worker that could not be isolated runs nothing
        refusal = wire.answer(Answer(error="isolation", message=str(error)))
        while _receive(connection) is not None:
            connection.send_bytes(refusal)
        return
    store, receiver = ox.Store.read_only(path), wire.Receiver()
    while (data := _receive(connection)) is not None:
        try:
            connection.send_bytes(wire.answer(answer(store, receiver.job(data))))
        except MemoryError:
            connection.send_bytes(wire.answer(Answer(error="memory")))
            return


def _receive(connection) -> bytes | None:
    try:
        return connection.recv_bytes()
    except EOFError:
        return None
