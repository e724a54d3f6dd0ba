"""An editor's browser for the tests of /redactie: cookies kept, redirects shown rather than followed, and the
CSRF token read from the page's form as a browser would send it."""

import functools
import http.client
import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

from conftest import PROJECT

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx comes back as it is, for the test to see where it points


class _From(urllib.request.HTTPHandler):
    """Connections from a source address of the loopback network (127.0.0.0/8: RFC 1122, 3.2.1.3), so that one
    machine plays clients at several addresses."""

    def __init__(self, source: str):
        super().__init__()
        self.source = source

    def http_open(self, request):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.source, 0)), request)


class Browser:
    """One client with its own cookies (at the address ``source``, e.g. 127.0.0.2, when given)."""

    def __init__(self, url: str, source: str | None = None):
        self.url, self.cookies = url, http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect] + ([_From(source)] if source else [])
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path, data=None, headers=None, method=None):
        """Return (status, headers, body as text)."""
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        request = urllib.request.Request(self.url + path, data=body, method=method,
                                         headers={"Accept": "text/html", **(headers or {})})
        try:
            with self.opener.open(request, timeout=300) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def get(self, path, **headers):
        return self.request(path, headers=headers)

    def token(self, path) -> str:
        """The CSRF token of the form on the page at ``path``."""
        status, _, body = self.get(path)
        assert status == 200, (status, body[:500])
        return TOKEN.search(body).group(1)

    def post(self, path, data, form=None):
        """Post ``data`` with the CSRF token of the form on ``form`` (default: the page itself; None: no token)."""
        data = dict(data)
        if form is not False:
            data["csrf_token"] = self.token(form or path)
        return self.request(path, data)

    def login(self, name, password):
        return self.post("/redactie/login", {"name": name, "password": password})


def add_editor(name: str, password: str, *options, **settings) -> subprocess.CompletedProcess:
    """Run `samenleven editor add NAME --password-stdin` with settings as options."""
    given = [f"--{k.replace('_', '-')}={v}" for k, v in settings.items()]
    return subprocess.run([sys.executable, "-m", "publisher", *given, "editor", "add", name, "--password-stdin",
                           *options], input=password + "\n", capture_output=True, text=True, cwd=PROJECT)
