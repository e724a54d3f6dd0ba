"""What stops simple bots without a third-party CAPTCHA: a honeypot field and a minimum fill time.

The form carries the time it was made, signed with the server's key (itsdangerous, as Flask signs its cookies),
so a client can neither leave it out nor move it back (the key: ``publisher.moderation.sessions``); a form sent sooner than ``contribute_min_seconds`` after
that, or with the hidden honeypot field filled in (a person never sees it), is refused.
"""

import time

from itsdangerous import BadSignature, TimestampSigner

from publisher.errors import BadRequest

HONEYPOT = "website"  # a name bots like to fill in
STARTED = "begonnen"
MAX_AGE = 24 * 3600  # a form older than a day is opened again


def stamp(key: str) -> str:
    """The signed time the form was made."""
    return TimestampSigner(key, salt="contribute-started").sign(str(int(time.time()))).decode()


def check(form, key: str, min_seconds: int) -> None:
    """Refuse a form whose honeypot is filled in, or that came back too soon or without its signed time.

    :raises BadRequest: saying which.
    """
    if (form.get(HONEYPOT) or "").strip():
        raise BadRequest(f"the field {HONEYPOT!r} is hidden from people and must stay empty: this looks like a "
                         "program filling in the form")
    try:
        started = int(TimestampSigner(key, salt="contribute-started").unsign(form.get(STARTED, ""),
                                                                            max_age=MAX_AGE))
    except (BadSignature, ValueError):
        raise BadRequest(f"the form's field {STARTED!r} is missing, altered or older than a day: open the form "
                         "again") from None
    waited = time.time() - started
    if waited < min_seconds:
        raise BadRequest(f"the form was sent {waited:.0f} s after it was opened; a person takes at least "
                         f"{min_seconds} s (contribute_min_seconds): take your time and send it again",
                         limit="contribute_min_seconds")
