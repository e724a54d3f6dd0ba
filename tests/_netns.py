"""Hosts for the deployment test: Linux network namespaces on one private bridge, made with Debian's iproute2.

Each namespace is a machine of its own, with its own loopback, its own addresses and its own listening ports; the
bridge is their LAN, and this (the root) namespace sits on it too, at the first address of the /24. Nothing is
routed beyond it: the test uses only the addresses it makes and 127.0.0.1. Names carry the test run's pid, so two
runs never share one; everything is taken down by ``close()``, which the test calls in a finalizer.
"""

import os
import shutil
import subprocess
from pathlib import Path

INSTALL = "make test installs it as root (apt-get install iproute2, Debian's package)"
SUBNETS = "10.231.{}.0/24"  # private (RFC 1918); a free third octet is taken per run


def ip_binary() -> str | None:
    """``ip`` on PATH or where Debian installs it, or None."""
    return shutil.which("ip") or next((p for p in ("/usr/sbin/ip", "/sbin/ip") if os.access(p, os.X_OK)), None)


def ip(*arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``ip ARGUMENTS``; on failure raise with its message."""
    done = subprocess.run([ip_binary(), *arguments], capture_output=True, text=True, timeout=30)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(arguments)}: {done.stderr.strip()}")
    return done


def unavailable() -> str | None:
    """Why network namespaces cannot be made here, or None when they can."""
    if ip_binary() is None:
        return f"ip (iproute2) is missing; {INSTALL}"
    if os.geteuid() != 0:
        return "network namespaces are made as root only (CI runs the tests as root)"
    probe = f"sl-probe-{os.getpid()}"
    made = ip("netns", "add", probe, check=False)
    if made.returncode != 0:
        return f"`ip netns add` was refused here: {made.stderr.strip()}"
    ip("netns", "del", probe, check=False)
    return None


def _free_octet() -> int:
    """A third octet of 10.231.x.0/24 that no interface of this machine uses yet."""
    used = ip("-o", "-4", "addr", "show").stdout
    start = os.getpid() % 250
    for step in range(250):
        octet = (start + step) % 250 + 1
        if f" 10.231.{octet}." not in used:
            return octet
    raise RuntimeError("no free 10.231.x.0/24 on this machine")


class Network:
    """A bridge in this namespace and ``count`` namespaces attached to it, each by a veth pair.

    ``address`` is this namespace's address on the bridge; ``hosts[i]`` is (namespace, address) of host i.
    """

    def __init__(self, count: int):
        tag = str(os.getpid())[-6:]
        self.octet = _free_octet()
        self.address = f"10.231.{self.octet}.1"
        self.bridge = f"slbr{tag}"
        self.hosts: list[tuple[str, str]] = []
        self._links: list[str] = []
        try:
            ip("link", "add", "name", self.bridge, "type", "bridge")
            ip("addr", "add", f"{self.address}/24", "dev", self.bridge)
            ip("link", "set", self.bridge, "up")
            for number in range(count):
                namespace, link = f"sl-{tag}-{number}", f"sl{tag}h{number}"
                ip("netns", "add", namespace)
                self.hosts.append((namespace, f"10.231.{self.octet}.{number + 2}"))
                # One end in the namespace as its eth0, the other on the bridge.
                ip("link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", namespace)
                self._links.append(link)
                ip("link", "set", link, "master", self.bridge, "up")
                self.inside(namespace, "addr", "add", f"{self.hosts[-1][1]}/24", "dev", "eth0")
                self.inside(namespace, "link", "set", "eth0", "up")
                self.inside(namespace, "link", "set", "lo", "up")
        except Exception:
            self.close()
            raise

    @staticmethod
    def inside(namespace: str, *arguments: str) -> subprocess.CompletedProcess:
        """Run ``ip ARGUMENTS`` inside ``namespace``."""
        return ip("-n", namespace, *arguments)

    @staticmethod
    def command(namespace: str, argv: list[str]) -> list[str]:
        """The command line that runs ``argv`` inside ``namespace`` (``ip netns exec`` execs it: same pid)."""
        return [ip_binary(), "netns", "exec", namespace, *argv]

    def close(self) -> None:
        """Take down what was made, whatever of it was made; the processes inside must be stopped first."""
        for namespace, _ in self.hosts:
            ip("netns", "del", namespace, check=False)  # its eth0 goes with it, and so does the veth's other end
        for link in self._links:
            if Path(f"/sys/class/net/{link}").exists():
                ip("link", "del", link, check=False)
        ip("link", "del", self.bridge, check=False)
        self.hosts = []
