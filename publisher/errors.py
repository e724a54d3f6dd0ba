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
