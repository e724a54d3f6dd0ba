"""Time each phase of a build and measure the most memory it held: what ``build --verbose`` prints and ``build.json``
keeps as ``phases``.

A phase's peak is the high-water mark of the resident set while it ran (``VmHWM`` of ``/proc/self/status``),
which each phase first resets by writing ``5`` to ``/proc/self/clear_refs`` (Linux 4.0 and later, proc(5)); so a
phase that holds little after one that held much says so. Where that file cannot be written, a phase's peak is the
process's since it started (``getrusage``), and ``per_phase`` is false.
"""

import resource
import time
from contextlib import contextmanager
from pathlib import Path

CLEAR_REFS, STATUS = Path("/proc/self/clear_refs"), Path("/proc/self/status")


class Phases:
    """The phases of one run, in order; ``listener`` (if any) hears ``start(name)`` and ``end(record)``."""

    def __init__(self, listener=None):
        self.done, self.listener, self.per_phase = [], listener, True

    @contextmanager
    def __call__(self, name: str):
        """Time the block as the phase ``name``."""
        self.per_phase = _reset_peak() and self.per_phase
        if self.listener:
            self.listener.start(name)
        started = time.perf_counter()
        try:
            yield
        finally:
            record = {"name": name, "seconds": round(time.perf_counter() - started, 3), "peak_memory_mb": _peak_mb()}
            self.done.append(record)
            if self.listener:
                self.listener.end(record)

    def peak_mb(self) -> int:
        """The most memory the process held in any phase, or since it started, in MB."""
        return max([_rusage_mb()] + [record["peak_memory_mb"] for record in self.done])


def _reset_peak() -> bool:
    try:
        CLEAR_REFS.write_text("5")
        return True
    except OSError:  # not Linux, an older kernel, or a file system that refuses: peaks are since the start
        return False


def _peak_mb() -> int:
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)  # in kB
    except OSError:
        pass
    return _rusage_mb()


def _rusage_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # Linux counts ru_maxrss in KiB


class Shown:
    """Show the phases on ``stream``: a tqdm bar on a terminal, plain lines elsewhere (``verbose``: one a phase).

    ``report`` is the build's progress reporter: on a terminal it writes above the bar, so the two never mix.
    """

    def __init__(self, names, stream, verbose: bool, clock=time.monotonic):
        from tqdm import tqdm  # here: only a build shows a bar

        self.stream, self.verbose, self.started = stream, verbose, clock()
        self.clock = clock
        self.bar = tqdm(total=len(names), file=stream, unit="phase", leave=False, disable=not stream.isatty(),
                        bar_format="{desc:<16} {bar} {n_fmt}/{total_fmt} phases [{elapsed}]")

    def report(self, message: str) -> None:
        line = f"[{self.clock() - self.started:5.1f}s] {message}"
        if self.bar.disable:
            print(line, file=self.stream, flush=True)
        else:
            self.bar.write(line, file=self.stream)

    def start(self, name: str) -> None:
        self.bar.set_description_str(name)

    def end(self, record: dict) -> None:
        self.bar.update(1)
        if self.verbose:
            self.report(f"{record['name']}: {record['seconds']:.2f} s, peak {record['peak_memory_mb']} MB")

    def close(self) -> None:
        self.bar.close()
