"""The errors the publisher reports to people, each with the exit code the CLI gives it."""


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

    ``limit`` names the setting a refusal enforces, so that the client knows which limit it hit.
    """

    status = 500
    title = "Internal server error"

    def __init__(self, detail: str, limit: str | None = None, headers=None):
        self.detail, self.limit, self.headers = detail, limit, dict(headers or {})
        super().__init__(detail)


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

    def __init__(self, offered, reason: str):
        self.offered = tuple(offered)
        listed = ", ".join(f"{fmt.media_type} (format={fmt.name})" for fmt in self.offered)
        super().__init__(f"{reason}. Offered: {listed}.")


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
