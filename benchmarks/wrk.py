"""Drive wrk (Debian's package) with a Lua script that cycles through a list of requests."""

import json
import subprocess
import tempfile
from typing import NamedTuple


class Request(NamedTuple):
    """One request of a mix: method, path (with its query string), headers, body."""

    method: str
    path: str
    headers: dict
    body: str | None = None


# Each thread starts at its own place in the list (wrk's setup numbers the threads), so two threads do not send
# the same request at the same time. With ``unique``, a SPARQL comment with the thread and a counter ends every
# query string (``%0A%23`` is a newline and ``#``): no two requests carry the same text, so no answer cache
# serves one. Requests are formatted once per thread unless they must change.
LUA = """
local items, formatted, unique = %(items)s, {}, %(unique)s
local threads = 0
setup = function(thread) thread:set("tid", threads); threads = threads + 1 end
local n, seq = 0, 0
init = function(args)
  for i, item in ipairs(items) do
    item[3]["Host"] = wrk.headers["Host"]
    formatted[i] = wrk.format(item[1], item[2], item[3], item[4])
  end
  n = (tonumber(args[1] or "0") + (tid or 0) * 7919) %% #items
end
request = function()
  n = n %% #items + 1
  if not unique then return formatted[n] end
  seq = seq + 1
  local item = items[n]
  return wrk.format(item[1], item[2] .. "%%0A%%23" .. (tid or 0) .. "-" .. seq, item[3], item[4])
end
done = function(summary, latency, _)
  local e = summary.errors
  io.write("RESULT " .. string.format('{"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p99_ms": %%f, ' ..
    '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}}',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    e.connect, e.read, e.write, e.status, e.timeout) .. "\\n")
end
"""


def lua_table(requests: list[Request]) -> str:
    """The requests as a Lua table of ``{method, path, {headers}, body}``.

    >>> lua_table([Request("GET", "/a", {"Accept": "text/turtle"})])
    '{{"GET", "/a", {["Accept"] = "text/turtle"}, nil}}'
    """
    def item(request: Request) -> str:
        headers = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in request.headers.items())
        body = "nil" if request.body is None else json.dumps(request.body)
        return f"{{{json.dumps(request.method)}, {json.dumps(request.path)}, {{{headers}}}, {body}}}"
    return "{" + ", ".join(item(r) for r in requests) + "}"


def run(root: str, requests: list[Request], seconds: int, connections: int, threads: int = 2,
        unique: bool = False, offset: int = 0) -> dict:
    """Keep ``connections`` busy for ``seconds`` on ``root``; return requests, seconds, p50/p99 ms, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(LUA % {"items": lua_table(requests), "unique": "true" if unique else "false"})
        script.flush()
        done = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                               "--timeout", "30s", "-s", script.name, root, "--", str(offset)],
                              capture_output=True, text=True, timeout=seconds + 120)
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result: {done.stdout}{done.stderr}")
    result = json.loads(line[len("RESULT "):])
    result["requests_per_second"] = result["requests"] / result["seconds"]
    return result
