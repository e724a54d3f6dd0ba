"""The errors the publisher reports to people, each with the exit code the CLI gives it."""

from publisher.language import N_, translate


class PublisherError(Exception):
    """An error with a message a person can act on."""

    exit_code = 1


class InputError(PublisherError):
    """Input that cannot be read: malformed Turtle, a missing file, a page with no recognisable layout."""

    exit_code = 2

    def __init__(self, message: str, path=None, line=None, column=None):
        self.path, self.line, self.column = path, line, column
        where = str(path) if path else ""
        if line:
            where += f":{line}" + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}" if where else message)


class NotConforming(PublisherError):
    """The data does not conform to the shapes; carries the validation report."""

    exit_code = 1

    def __init__(self, report):
        self.report = report
        super().__init__(f"the data does not conform: {len(report.violations)} violation(s)")


class LinkError(PublisherError):
    """A place name that cannot be linked to one municipality: unknown or ambiguous."""

    exit_code = 1

    def __init__(self, message: str, candidates=()):
        self.candidates = tuple(candidates)
        super().__init__(message)


class HTTPProblem(PublisherError):
    """An error a web client caused or must know about, with its HTTP status.

    ``detail`` is a text of the catalogue (its Dutch msgid, marked with ``N_``) when ``values`` are given, filled
    with them (``%(name)s``) once said in the reader's language (``said``); else a plain text, said as it is.
    ``limit`` names the setting a refusal enforces, so that the client knows which limit it hit.
    """

    status = 500
    title = "Internal server error"

    def __init__(self, detail: str, limit: str | None = None, headers=None, values: dict | None = None):
        self.message, self.values = (detail, dict(values)) if values is not None else (None, {})
        self.detail = detail % self.values if values is not None else detail
        self.limit, self.headers = limit, dict(headers or {})
        super().__init__(self.detail)

    def said(self, lang: str) -> str:
        """The detail in ``lang`` (``nl`` or ``en``): through the catalogue when it is one of its texts."""
        return translate(self.message, lang) % self.values if self.message else self.detail


class BadRequest(HTTPProblem):
    status, title = 400, "Bad request"


class MalformedQuery(BadRequest):
    title = "Malformed query"


class Unauthorized(HTTPProblem):
    """No session, or a wrong name or password (RFC 9110, 15.5.2: with the scheme to log in by)."""

    status, title = 401, "Unauthorized"


class Conflict(HTTPProblem):
    """An action the resource's state no longer allows (a proposal accepted already)."""

    status, title = 409, "Conflict"


class Unprocessable(HTTPProblem):
    """A well-formed request whose content cannot be acted on (a decline without a reason)."""

    status, title = 422, "Unprocessable content"


class Forbidden(HTTPProblem):
    status, title = 403, "Forbidden"


class NotFound(HTTPProblem):
    status, title = 404, "Not found"


class MethodNotAllowed(HTTPProblem):
    status, title = 405, "Method not allowed"


class NotAcceptable(HTTPProblem):
    """None of the offered representations matches what the client accepts; says what is offered."""

    status, title = 406, "Not acceptable"

    def __init__(self, offered, reason: str, values: dict | None = None):
        self.reason = HTTPProblem(reason, values=values)  # a text of the catalogue with values, or a plain one
        self.listed = ", ".join(f"{fmt.media_type} (format={fmt.name})" for fmt in tuple(offered))
        self.offered = tuple(offered)
        super().__init__(N_("%(reason)s. Aangeboden: %(offered)s."),
                         values={"reason": self.reason.detail, "offered": self.listed})

    def said(self, lang: str) -> str:
        return translate(self.message, lang) % {"reason": self.reason.said(lang), "offered": self.listed}


class PayloadTooLarge(HTTPProblem):
    status, title = 413, "Payload too large"


class UnsupportedMediaType(HTTPProblem):
    status, title = 415, "Unsupported media type"


class TooManyRequests(HTTPProblem):
    """A client that already has its share of queries running (RFC 6585, 4)."""

    status, title = 429, "Too many requests"


class Unavailable(HTTPProblem):
    """The store cannot answer now: no build yet, every query process busy, or a query stopped at its limit."""

    status, title = 503, "Service unavailable"
