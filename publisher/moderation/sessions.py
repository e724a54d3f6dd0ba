"""The editors' sessions: a signed cookie that scripts cannot read, CSRF tokens for every form, and the key.

Flask keeps the session in a cookie signed with ``secret_key`` (itsdangerous); it is ``HttpOnly`` (no script
reads it), ``SameSite=Lax`` (no other site's form posts with it) and ``Secure`` whenever the request came over
https (directly, through ``proxy_hops`` trusted proxies, or a ``public_url`` that says so). Flask-WTF's
``CSRFProtect`` signs a token per session; it checks only the editors' forms (``WTF_CSRF_CHECK_DEFAULT`` off),
since the SPARQL endpoint and the other APIs take POSTs without a session from any origin.
"""

import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

KEY_FILE = "secret_key"  # in build_dir, when the secret_key setting is empty
LIFETIME = timedelta(hours=8)  # a working day; a session older than that logs in again


class SecureWhenHttps(SecureCookieSessionInterface):
    """The session cookie, marked Secure when the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        public = app.config["SAMENLEVEN"]["public_url"].strip().lower()
        return request.is_secure or public.startswith("https://")


def install(app: Flask, settings: dict) -> CSRFProtect:
    """Give ``app`` its key, the session cookie's settings and CSRF protection; return the protection."""
    app.secret_key = settings["secret_key"] or key(Path(settings["build_dir"]))
    app.config.update(SESSION_COOKIE_NAME="samenleven_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=LIFETIME,
                      WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=int(LIFETIME.total_seconds()))
    app.session_interface = SecureWhenHttps()
    csrf = CSRFProtect(app)
    app.extensions["samenleven.csrf"] = csrf
    return csrf


def key(folder: Path) -> str:
    """Return the key kept in ``folder``, made at first use (readable by its owner only), so that every server
    process of the folder, and a restarted one, signs with the same key."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process made it a moment ago and may still be writing it
            found = path.read_text().strip()
            if found:
                return found
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: remove it, and a new key is made") from None
    made = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(made + "\n")
    return made
