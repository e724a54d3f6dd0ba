"""Content negotiation by profile (W3C "Content Negotiation by Profile", https://www.w3.org/TR/dx-prof-conneg/).

A resource offered in several profiles (data specifications its representations conform to) is asked for by
``Accept-Profile`` (the HTTP functional profile, section "get resource by profile") or by the query string
argument ``profile`` (the "QSA Alternate Keywords" functional profile; ``_profile``, the spec's own key, is read
the same), with a token or a profile URI. The query string wins over the header (section "Order of Precedence").
The answer names its profile in ``Content-Profile`` and ``Link: rel="profile"`` (RFC 6906), and lists every
profile offered as ``Link`` alternates, the spec's preferred way to "list profiles" (section 7.1.1).
"""

import re
from dataclasses import dataclass

from publisher.errors import BadRequest

KEYS = ("profile", "_profile")  # the query string keys read: ours, then the QSA functional profile's
LIST = "all"  # the token of the QSA "list profiles" request (section "QSA list profiles")
# The Link target that maps a token to its profile URI (section "Token mappings").
PROFILE_CLASS = "http://www.w3.org/ns/dx/prof/Profile"
# One item of Accept-Profile: a URI in angle brackets (which may hold commas) or a bare token, then parameters.
_ITEM = re.compile(r"\s*(<[^>]*>|[^,;\s]+)\s*((?:;[^,;]*)*)\s*(?:,|$)")


@dataclass(frozen=True)
class Profile:
    """One profile a resource is offered in: the token clients may use, its URI and a title for people."""

    token: str
    uri: str
    title: str


def preferences(header: str) -> list[str]:
    """Read an ``Accept-Profile`` header: the profiles asked (URIs without brackets, or tokens), best first.

    >>> preferences('<urn:a>;q=0.5, <http://x/?a=1,2>, token;q=0.7, <urn:b>;q=0')
    ['http://x/?a=1,2', 'token', 'urn:a']
    """
    asked, position = [], 0
    for match in _ITEM.finditer(header or ""):
        if not match.group(0).strip(" ,"):
            continue
        name, quality = match.group(1).strip("<>"), 1.0
        for parameter in match.group(2).split(";"):
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0  # an unreadable weight asks for nothing (RFC 9110, 12.4.2)
        if quality > 0:
            asked.append((-quality, position, name))
        position += 1
    return [name for _, _, name in sorted(asked)]


def find(offered, name: str) -> Profile | None:
    """The profile offered under a token or a URI (with or without angle brackets), or None."""
    name = name.strip().removeprefix("<").removesuffix(">")
    return next((p for p in offered if name in (p.token, p.uri)), None)


def asked_in_query(args) -> str | None:
    """The value of the profile query string argument, or None when there is none."""
    values = [value for key in KEYS for value in args.getlist(key)]
    if len(values) > 1:
        raise BadRequest(f"the profile is given {len(values)} times (as {' and '.join(KEYS)}); give it once")
    return values[0] if values else None


def choose(offered: tuple, request) -> Profile:
    """Pick the profile: the query string's list first, else ``Accept-Profile``, else the first offered.

    An unknown profile in the header falls back to the default, as the spec's abstract model says; the query
    string names the resource the client wants, so one that names nothing offered is refused.

    :raises BadRequest: the query string names no profile offered, listing the ones that are.
    """
    asked = asked_in_query(request.args)
    if asked is not None:
        # A comma-separated list in order of preference (section "QSA get resource by profile").
        names = [match.group(1) for match in _ITEM.finditer(asked) if match.group(0).strip(" ,")]
        for name in names:
            if find(offered, name):
                return find(offered, name)
        raise BadRequest(f"profile must be one of {listing(offered)}, or {LIST} to list them, not {asked!r}")
    for name in preferences(request.headers.get("Accept-Profile", "")):
        if name == "*":
            break
        if find(offered, name):
            return find(offered, name)
    return offered[0]


def listing(offered) -> str:
    return ", ".join(f"{p.token} (<{p.uri}>)" for p in offered)


def links(offered, chosen: Profile | None, url, formats, current) -> list[str]:
    """The ``Link`` values of an answer: its profile, the alternates and the token of each profile.

    The alternates are this format in every profile and every format in this profile (section "list profiles"):
    every combination would pass the 4 KiB that proxies keep for an answer's headers (nginx's proxy_buffer_size).

    :param chosen: the profile answered, or None for a list of the profiles (every profile in each format).
    :param url: ``url(profile, fmt)`` gives where a representation is served.
    :param current: the format answered, one of ``formats``, those offered.
    """
    found = [f'<{chosen.uri}>; rel="profile"'] if chosen else []
    for profile in offered:
        for fmt in formats:
            if chosen and profile is not chosen and fmt is not current:
                continue
            rel = "self" if profile is chosen and fmt is current else "alternate"
            found.append(f'<{url(profile, fmt)}>; rel="{rel}"; type="{fmt.media_type}"; profile="{profile.uri}"')
    found += [f'<{PROFILE_CLASS}>; rel="type"; token="{p.token}"; anchor="{p.uri}"' for p in offered]
    return found


def header(profile: Profile) -> str:
    """The value of ``Content-Profile``: the profile's URI in angle brackets."""
    return f"<{profile.uri}>"
