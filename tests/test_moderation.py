"""The editors' side over real HTTP (issue 15): log in, the queue, a proposal's diff, accept, decline, ask.

A server runs on a build of a copy of the fixture graph; proposals are queued with ``Queue.submit`` (as the
contribution form does) from the hand-written Turtle of ``tests/data/proposals/``. Accepting runs the real build
into the same folder, which the running server then serves.
"""

import email
import email.policy
import json
import os
import re
import shutil
import struct
import zlib
from html import unescape

import pytest
import rdflib
from _editors import Browser, add_editor
from conftest import GRAPH, PROJECT, free_port, http, start_server, stop_server
from test_english_pages import DUTCH, Interface

from publisher import build, config
from publisher.moderation import queue as queues

PROPOSALS = PROJECT / "tests" / "data" / "proposals"
PRACTICE = "https://w3id.org/samenleven/id/praktijk/"
PASSWORD = "correct horse battery staple"
# Every login of this module comes from 127.0.0.1 into one proposals database: a budget the module cannot spend,
# so that a test does not find the throttle of the ones before it (tests/test_editor_login.py tests the throttle).
LOGINS = "1000 per minute"
SDO = rdflib.Namespace("http://schema.org/")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server on a build of a copy of the fixture graph, an editor `an`, and the queue; yield a namespace."""
    folder = tmp_path_factory.mktemp("moderation")
    graph = folder / "graph"
    shutil.copytree(GRAPH, graph)
    settings = config.load({"build_dir": folder / "var", "graph_dir": graph})
    build.build(settings)
    done = add_editor("an", PASSWORD, build_dir=folder / "var")
    assert done.returncode == 0, done.stderr
    process, url = start_server(folder / "var", graph_dir=graph, max_login_failures=3, login_rate=LOGINS)
    yield Site(url, graph, folder / "var", queues.open_queue({"build_dir": folder / "var", "database_url": ""}))
    stop_server(process)


class Site:
    def __init__(self, url, graph, var, queue):
        self.url, self.graph, self.var, self.queue = url, graph, var, queue

    def submit(self, name=None, turtle=None, **fields) -> str:
        """Queue a proposal of a file of tests/data/proposals (or of ``turtle``); return its token."""
        values = dict(token=queues.new_token(), kind="new", subject=None,
                      turtle=turtle or (PROPOSALS / f"{name}.ttl").read_text(),
                      contributor={"name": "Ine Indiener", "email": "ine@example.org", "organisation": "Gemeente Genk"},
                      status="received", created=queues.now())
        return self.queue.submit(queues.Proposal(**{**values, **fields}))

    def editor(self, url=None) -> Browser:
        """A browser logged in as `an` (on the server at ``url``, default the module's)."""
        browser = Browser(url or self.url)
        status, headers, _ = browser.login("an", PASSWORD)
        assert status == 303, status
        return browser


def png() -> bytes:
    """A real 1×1 PNG, written by hand (PNG specification, 5 and 11.2): signature, IHDR, IDAT, IEND."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x80\x00")) + chunk(b"IEND", b""))


def members(url) -> list[str]:
    """The resources of the change feed's members, read one by one from /ldes/member/N until there is none."""
    found, number = [], 1
    while True:
        status, _, body = Browser(url).get(f"/ldes/member/{number}", Accept="text/turtle")
        if status == 404:
            return found
        assert status == 200
        graph = rdflib.Graph().parse(data=body, format="turtle")
        found += [str(o) for o in graph.objects(None, rdflib.DCTERMS.isVersionOf)]
        number += 1


# --- without a session ----------------------------------------------------------------------------------------

def test_an_editor_url_without_a_session_sends_a_browser_to_the_login(site):
    token = site.submit("buurtsoep")
    for path in ("/redactie", f"/redactie/{token}", f"/redactie/{token}/foto"):
        status, headers, _ = Browser(site.url).get(path)
        assert status == 302 and headers["Location"].startswith("/redactie/login?next=")


def test_an_editor_url_without_a_session_is_401_for_a_program(site):
    token = site.submit("buurtsoep")
    status, headers, _ = Browser(site.url).get("/redactie", Accept="application/json")
    assert status == 401 and "WWW-Authenticate" in headers
    status, _, _ = Browser(site.url).request(f"/redactie/{token}/aanvaarden", {"csrf_token": "x"})
    assert status == 401
    assert site.queue.get(token).status == "received"
    assert not (site.graph / "praktijk-buurtsoep.ttl").exists()


# --- logging in -----------------------------------------------------------------------------------------------

def test_an_editor_logs_in_and_out(site):
    browser = Browser(site.url)
    status, headers, _ = browser.login("an", PASSWORD)
    assert status == 303 and headers["Location"] == "/redactie"
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http here
    assert browser.get("/redactie")[0] == 200
    assert browser.post("/redactie/afmelden", {}, form="/redactie")[0] == 303
    assert browser.get("/redactie")[0] == 302


def test_the_session_cookie_is_secure_behind_https(site):
    process, url = start_server(site.var, graph_dir=site.graph, proxy_hops=1, login_rate=LOGINS)
    try:
        _, headers, _ = http(url + "/redactie/login", headers={"X-Forwarded-Proto": "https"})
        secure = headers["Set-Cookie"]
        _, headers, _ = http(url + "/redactie/login")
        plain = headers["Set-Cookie"]
    finally:
        stop_server(process)
    assert "; Secure" in secure and "HttpOnly" in secure and "SameSite=Lax" in secure
    assert "Secure" not in plain


def test_a_wrong_password_is_refused(site):
    browser = Browser(site.url)
    status, _, body = browser.login("an", PASSWORD + "!")
    assert status == 401 and "de naam of het wachtwoord klopt niet" in body
    status, _, body = browser.login("niemand", PASSWORD)
    assert status == 401 and "de naam of het wachtwoord klopt niet" in body
    assert browser.get("/redactie")[0] == 302


def test_a_post_without_the_csrf_token_is_refused(site):
    token = site.submit("buurtsoep")
    browser = site.editor()
    status, _, body = browser.post(f"/redactie/{token}/weigeren", {"reason": "dubbel"}, form=False)
    assert status == 400 and "CSRF" in body
    status, _, _ = browser.post(f"/redactie/{token}/weigeren", {"reason": "dubbel", "csrf_token": "forged"},
                                form=False)
    assert status == 400
    assert site.queue.get(token).status == "received"
    assert Browser(site.url).post("/redactie/login", {"name": "an", "password": PASSWORD}, form=False)[0] == 400


# --- the queue ------------------------------------------------------------------------------------------------

def test_the_queue_lists_the_proposals_newest_first(site):
    older = site.submit("buurtsoep", created="2020-01-01T00:00:00Z")
    newer = site.submit("zonder-beschrijving", created="2030-01-01T00:00:00Z")
    browser = site.editor()
    status, _, body = browser.get("/redactie")
    assert status == 200 and body.index(newer) < body.index(older)
    listed = [row["token"] for row in json.loads(browser.get("/redactie", Accept="application/json")[2])]
    assert listed.index(newer) < listed.index(older) and listed[0] == newer
    assert "conform" in body


def test_a_hostile_title_is_shown_as_text(site):
    hostile = '<script>alert("redactie")</script><img src=x onerror=alert(1)>'
    turtle = (PROPOSALS / "buurtsoep.ttl").read_text().replace('dct:title "Buurtsoep"@nl ;\n    dct:abstract',
                                                              f'dct:title "{hostile.replace(chr(34), chr(92) + chr(34))}"@nl ;\n    dct:abstract')
    assert hostile.replace('"', '\\"') in turtle
    token = site.submit(turtle=turtle, contributor={"name": hostile, "email": "<b>@x", "organisation": ""})
    browser = site.editor()
    for path in ("/redactie", f"/redactie/{token}"):
        status, _, body = browser.get(path)
        assert status == 200
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(" in body


# --- a proposal's diff ----------------------------------------------------------------------------------------

def shape_name(path: rdflib.URIRef, lang: str = "nl") -> str:
    """The sh:name of a property of sls:Practice_Shape, read from the shapes file."""
    shapes = rdflib.Graph().parse(PROJECT / "shapes" / "shapes.ttl")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    shape = rdflib.URIRef("https://w3id.org/samenleven/shapes#Practice_Shape")
    for node in shapes.objects(shape, SH.property):
        if shapes.value(node, SH.path) == path:
            return next(str(n) for n in shapes.objects(node, SH.name) if n.language == lang)


def rows(body: str) -> dict:
    """The rows of the first diff table of a page: field name → (before, after) texts."""
    table = body[body.index('<table class="diff">'):]
    table = table[:table.index("</table>")]
    found = {}
    for name, before, after in re.findall(r'<th scope="row">(.*?)</th>\s*<td class="before">(.*?)</td>\s*'
                                          r'<td class="after">(.*?)</td>', table, re.S):
        found[unescape(name)] = (re.findall(r"<p>(.*?)</p>", before, re.S), re.findall(r"<p>(.*?)</p>", after, re.S))
    return found


def test_a_change_shows_its_fields_beside_the_published_ones(site):
    token = site.submit("sociale-cohesie-gewijzigd", kind="change", subject=PRACTICE + "sociale-cohesie")
    status, _, body = site.editor().get(f"/redactie/{token}")
    assert status == 200 and "@prefix" not in body  # fields, not Turtle
    found = rows(body)
    title, abstract = shape_name(rdflib.DCTERMS.title), shape_name(rdflib.DCTERMS.abstract)
    assert found[title] == (["Social cohesion", "Sociale cohesie"], ["Social cohesion", "Sociale cohesie in de buurt"])
    assert found[abstract][0] and found[abstract][1] == []  # the abstract would go
    assert "eerst gepubliceerd" not in found  # what the build derives is no field of the proposal


def test_a_new_practice_is_compared_with_nothing(site):
    token = site.submit("buurtsoep")
    status, _, body = site.editor().get(f"/redactie/{token}?lang=en")
    assert status == 200
    found = rows(body)
    assert found[shape_name(rdflib.DCTERMS.title, "en")] == ([], ["Buurtsoep"])
    assert all(before == [] for before, _ in found.values())


# --- the actions ----------------------------------------------------------------------------------------------

def test_accept_publishes_the_practice_and_its_photo(site):
    before = members(site.url)
    token = site.submit("buurtsoep", photo=png(), photo_type="image/png")
    browser = site.editor()
    status, headers, body = browser.post(f"/redactie/{token}/aanvaarden", {}, form=f"/redactie/{token}")
    assert status == 303, body[-3000:]
    written = rdflib.Graph().parse(site.graph / "praktijk-buurtsoep.ttl")
    proposed = rdflib.Graph().parse(PROPOSALS / "buurtsoep.ttl")
    assert set(proposed) <= set(written)  # the reviewed file holds the proposal, and the photo's fields
    assert (site.graph / "media" / "buurtsoep.png").read_bytes() == png()
    status, _, page = Browser(site.url).get("/doc/praktijk/buurtsoep", Accept="text/turtle")
    assert status == 200
    published = rdflib.Graph().parse(data=page, format="turtle")
    image = published.value(rdflib.URIRef(PRACTICE + "buurtsoep"), SDO.image)
    assert published.value(image, SDO.creditText) is not None and published.value(image, SDO.license) is not None
    address = str(published.value(image, SDO.contentUrl))
    status, headers, served = http(site.url + address.removeprefix("https://w3id.org/samenleven"))
    assert (status, headers["Content-Type"], served) == (200, "image/png", png())
    assert members(site.url)[:len(before)] == before and members(site.url)[len(before):] == [PRACTICE + "buurtsoep"]
    accepted = site.queue.get(token)
    assert (accepted.status, accepted.published) == ("accepted", PRACTICE + "buurtsoep")
    status, _, page = browser.get(f"/redactie/{token}")
    assert "an" in page and PRACTICE + "buurtsoep" in page and "aanvaard" in page


def test_accepting_a_change_rewrites_the_practice_s_file(site):
    file = site.graph / "praktijk-sociale-cohesie.ttl"
    old = '    dct:title "Social cohesion"@en,\n        "Sociale cohesie"@nl ;'
    assert old in file.read_text()
    turtle = file.read_text().replace(old, '    dct:title "Social cohesion"@en,\n        "Samen in de wijk"@nl ;')
    before = members(site.url)
    token = site.submit(turtle=turtle, kind="change", subject=PRACTICE + "sociale-cohesie")
    browser = site.editor()
    assert rows(browser.get(f"/redactie/{token}")[2])[shape_name(rdflib.DCTERMS.title)][1] == \
        ["Samen in de wijk", "Social cohesion"]
    status, _, body = browser.post(f"/redactie/{token}/aanvaarden", {}, form=f"/redactie/{token}")
    assert status == 303, body[-3000:]
    assert '"Samen in de wijk"@nl' in file.read_text() and not (site.graph / "praktijk-samen-in-de-wijk.ttl").exists()
    status, _, page = Browser(site.url).get("/doc/praktijk/sociale-cohesie", Accept="text/turtle")
    titles = set(rdflib.Graph().parse(data=page, format="turtle").objects(rdflib.URIRef(PRACTICE + "sociale-cohesie"),
                                                                         rdflib.DCTERMS.title))
    assert rdflib.Literal("Samen in de wijk", lang="nl") in titles
    assert members(site.url)[len(before):] == [PRACTICE + "sociale-cohesie"]


def test_accept_refused_by_the_build_publishes_nothing(site):
    current = os.readlink(site.var / "current")
    token = site.submit("zonder-beschrijving")
    browser = site.editor()
    status, _, body = browser.post(f"/redactie/{token}/aanvaarden", {}, form=f"/redactie/{token}")
    assert status == 422
    assert "zonder-beschrijving" in body and "description" in body  # the build's report names focus and path
    assert not (site.graph / "praktijk-zonder-beschrijving.ttl").exists()
    assert os.readlink(site.var / "current") == current
    assert Browser(site.url).get("/doc/praktijk/zonder-beschrijving")[0] == 404
    assert site.queue.get(token).status == "received"
    assert [a.action for a in site.queue.actions(token)] == ["accept-failed"]
    listed = json.loads(browser.get("/redactie", Accept="application/json")[2])
    assert [row["conforms"] for row in listed if row["token"] == token] == [False]  # the queue's validation


def test_a_decline_needs_a_reason_and_reaches_the_proposal(site):
    token = site.submit("buurtsoep")
    browser = site.editor()
    status, _, body = browser.post(f"/redactie/{token}/weigeren", {"reason": "  "}, form=f"/redactie/{token}")
    assert status == 422 and site.queue.get(token).status == "received"
    status, _, _ = browser.post(f"/redactie/{token}/weigeren", {"reason": "Staat er al in als <Soep>."},
                                form=f"/redactie/{token}")
    assert status == 303
    declined = site.queue.get(token)  # what the contributor's page of the proposal reads
    assert (declined.status, declined.reason) == ("declined", "Staat er al in als <Soep>.")
    body = browser.get(f"/redactie/{token}")[2]
    assert "Staat er al in als &lt;Soep&gt;." in body
    assert browser.post(f"/redactie/{token}/aanvaarden", {}, form=f"/redactie/{token}")[0] == 409


def test_asking_without_a_mail_server_shows_the_text_to_copy(site):
    token = site.submit("buurtsoep")
    browser = site.editor()
    status, _, body = browser.post(f"/redactie/{token}/vragen", {"message": "Welke wijk van Genk?"},
                                   form=f"/redactie/{token}")
    assert status == 200
    text = unescape(re.search(r'<textarea class="question-text"[^>]*>(.*?)</textarea>', body, re.S).group(1))
    assert "Welke wijk van Genk?" in text and f"/bijdragen/{token}" in text and "ine@example.org" in body
    assert (site.queue.get(token).status, site.queue.get(token).reason) == ("asked", "Welke wijk van Genk?")


class Inbox:
    """What an SMTP server received (aiosmtpd's handler interface)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos,
                              email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


def test_asking_with_a_mail_server_mails_the_contributor(site):
    from aiosmtpd.controller import Controller
    inbox, port = Inbox(), free_port()
    mail = Controller(inbox, hostname="127.0.0.1", port=port)
    mail.start()
    process, url = start_server(site.var, graph_dir=site.graph, smtp=f"127.0.0.1:{port}", login_rate=LOGINS)
    try:
        token = site.submit("buurtsoep")
        browser = site.editor(url)
        status, _, body = browser.post(f"/redactie/{token}/vragen", {"message": "Welke wijk van Genk?"},
                                       form=f"/redactie/{token}")
    finally:
        stop_server(process)
        mail.stop()
    assert status == 200 and "Verstuurd naar" in body
    [(sender, recipients, message)] = inbox.messages
    assert (sender, recipients) == ("samenleven@vvsg.be", ["ine@example.org"])  # contact_email's default
    assert "Welke wijk van Genk?" in message.get_content() and f"/bijdragen/{token}" in message.get_content()
    assert site.queue.get(token).status == "asked"


def test_a_mail_server_that_is_not_there_stores_no_question(site):
    process, url = start_server(site.var, graph_dir=site.graph, smtp=f"127.0.0.1:{free_port()}", login_rate=LOGINS)
    try:
        token = site.submit("buurtsoep")
        status, _, body = site.editor(url).post(f"/redactie/{token}/vragen", {"message": "Welke wijk?"},
                                       form=f"/redactie/{token}")
    finally:
        stop_server(process)
    assert status == 502 and "did not take the message" in body
    assert site.queue.get(token).status == "received" and site.queue.actions(token) == []


def test_the_editor_pages_speak_english(site):
    token = site.submit("sociale-cohesie-gewijzigd", kind="change", subject=PRACTICE + "sociale-cohesie")
    browser = site.editor()
    for path in ("/redactie?lang=en", f"/redactie/{token}?lang=en"):
        status, headers, body = browser.get(path)
        assert status == 200 and headers["Content-Language"] == "en"
        reader = Interface("en")
        reader.feed(body)
        text = "\n".join(reader.texts)
        assert [dutch for dutch, pattern in DUTCH if pattern.search(text)] == [], path


def test_media_serves_only_published_images(site):
    for path in ("/media/nothing.png", "/media/build.json", "/media/..%2Fbuild.json", "/media/x.svg"):
        assert Browser(site.url).get(path)[0] == 404
