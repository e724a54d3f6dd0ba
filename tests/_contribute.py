"""A small browser for the contribution form: keeps cookies, reads the form's hidden fields, posts multipart."""

import http.cookiejar
import secrets
import urllib.error
import urllib.request
from html.parser import HTMLParser


class Reply:
    def __init__(self, status, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode("utf-8", "replace")


class Hidden(HTMLParser):
    """The hidden inputs of a page, by name."""

    def __init__(self):
        super().__init__()
        self.found = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.found[attrs["name"]] = attrs.get("value") or ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its cookies, and the form it opened last."""

    def __init__(self, url: str):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.hidden = {}

    def send(self, path, data=None, headers=None, method=None) -> Reply:
        request = urllib.request.Request(self.url + path, data=data, headers=headers or {}, method=method)
        try:
            with self.opener.open(request, timeout=120) as response:
                return Reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers, error.read())

    def open_form(self, path="/bijdragen") -> Reply:
        reply = self.send(path, headers={"Accept": "text/html"})
        reader = Hidden()
        reader.feed(reply.text)
        self.hidden = reader.found
        return reply

    def post(self, fields: list, files: list = (), path="/bijdragen", hidden=True, accept="text/html") -> Reply:
        """Post the form: ``fields`` (name, value) pairs after the hidden ones, ``files`` (name, filename, bytes)."""
        pairs = (list(self.hidden.items()) if hidden else []) + list(fields)
        body, kind = multipart(pairs, files)
        return self.send(path, body, {"Content-Type": kind, "Accept": accept})


def multipart(pairs, files=()) -> tuple[bytes, str]:
    """Encode a multipart/form-data body (RFC 7578)."""
    boundary = "----samenleven" + secrets.token_hex(8)
    parts = []
    for name, value in pairs:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                     + str(value).encode() + b"\r\n")
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f'Content-Type: image/jpeg\r\n\r\n'.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
