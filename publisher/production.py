"""Serve with gunicorn: several worker processes, each with the build's store open read-only.

The same as ``gunicorn -w N -k gthread --threads 4 -b HOST:PORT 'publisher.app:create_app()'``; settings come
from ``SAMENLEVEN_*`` variables either way.
"""

from gunicorn.app.base import BaseApplication


class Application(BaseApplication):
    """gunicorn running ``create_app(overrides)`` in each worker.

    Not preloaded: each worker opens the build's store itself (a RocksDB store opened before a fork is not safe to
    use in the child) and starts its own query processes. What is the same for every worker is done once, in the
    master, before it forks: the modules imported, the network barrier probed (``serve``).
    """

    def __init__(self, overrides: dict, options: dict, isolated: bool):
        self.overrides, self.options, self.isolated = overrides, options, isolated
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from publisher.app import create_app
        return create_app(self.overrides, isolated=self.isolated)


def serve(overrides: dict, host: str, port: int, workers: int, settings: dict) -> None:
    """Run gunicorn until it is stopped."""
    from publisher import app, views
    views.modules()  # imported here, the workers fork with them: each would otherwise import them all anew
    Application(overrides, {
        "bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread", "threads": 4,
        # A worker must outlive the longest query it waits for; the query itself is stopped by the sandbox.
        "timeout": max(30, int(settings["query_timeout"] * 3)), "graceful_timeout": 10,
        "accesslog": "-",
    }, app.probe_isolation(settings)).run()
