"""The ontology as documentation: ``vocabulary.read`` on the real ontology and shapes, and the ``/ns`` page."""

from html.parser import HTMLParser

import flask
import pyoxigraph as ox
import pytest
from markupsafe import escape

from conftest import PROJECT
from publisher import vocabulary
from publisher.vocab import DCT, PROV, SCHEMA, SKOS, SL, XSD

ALTERNATES = [("http://localhost/ns.ttl", "text/turtle", "Turtle"),
              ("http://localhost/ns.jsonld", "application/ld+json", "JSON-LD")]


def turtle(path):
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


@pytest.fixture(scope="module")
def triples():
    shapes = turtle(PROJECT / "shapes" / "shapes.ttl") + turtle(PROJECT / "shapes" / "shapes_recommended.ttl")
    return turtle(PROJECT / "ontology" / "samenleven.ttl"), shapes


@pytest.fixture(scope="module")
def dutch(triples):
    return vocabulary.read(*triples)


@pytest.fixture(scope="module")
def english(triples):
    return vocabulary.read(*triples, lang="en")


def test_header_has_title_version_licence_prefix_and_publisher(dutch, english):
    assert dutch.iri == ox.NamedNode("https://w3id.org/samenleven/ns")
    assert (dutch.title.value, english.title.value) == ("Samenleven-ontologie", "Samenleven ontology")
    assert dutch.description.language == "nl" and english.description.language == "en"
    assert dutch.version == "0.1.0"
    assert dutch.license == ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")
    assert (dutch.prefix, dutch.namespace) == ("sl", "https://w3id.org/samenleven/ns#")
    assert dutch.publisher == ox.NamedNode("https://w3id.org/samenleven/id/organisatie/vvsg")


def test_practice_is_a_labelled_defined_class_under_prov_plan(dutch, english):
    practice = dutch.term(SL.Practice)
    assert practice in dutch.classes and practice.kind == "class" and practice.anchor == "Practice"
    assert practice.label.value == "Praktijk" and english.term(SL.Practice).label.value == "Practice"
    assert practice.definition.language == "nl"
    assert PROV.Plan in practice.parents and SCHEMA.CreativeWork in practice.parents


def test_a_text_missing_in_the_page_language_falls_back_to_english(dutch):
    # sl:Practice has its rdfs:comment only in English; a Dutch page still shows it, marked as English.
    assert dutch.term(SL.Practice).comment.language == "en"


def test_practice_constraints_come_from_both_shape_files(dutch):
    titles = [c for c in dutch.term(SL.Practice).constraints if c.path == [DCT.title]]
    required = next(c for c in titles if c.severity == "violation")
    assert required.shape == ox.NamedNode("https://w3id.org/samenleven/shapes#Practice_Shape")
    assert (required.min_count, required.max_count, required.target) == (1, None, SL.Practice)
    assert required.name.value == "titel" and required.cardinality == "1..*"
    assert any(c.severity == "warning" and c.shape.value.endswith("Practice_RecommendedShape") for c in titles)


def test_a_class_constraint_says_what_its_values_must_be(dutch):
    category = next(c for c in dutch.term(SL.Practice).constraints if c.path == [SL.category])
    assert (category.min_count, category.max_count, category.values) == (1, 1, [SKOS.Concept])


def test_an_alternative_path_names_each_alternative(dutch):
    paths = [c.path for c in dutch.term(SL.Initiative).constraints]
    assert [DCT.spatial, DCT.coverage] in paths


@pytest.mark.parametrize("name, kind, domain, range_, parent", [
    ("goal", "object property", [SL.Practice], [SKOS.Concept], DCT.subject),
    ("runBy", "object property", [SL.Initiative], [SL.Organisation], PROV.wasAssociatedWith),
    ("validFrom", "datatype property", [], [XSD.date], None),
])
def test_a_property_has_its_kind_domain_range_and_parents(dutch, name, kind, domain, range_, parent):
    term = dutch.term(SL[name])
    assert term in dutch.properties
    assert (term.kind, term.domain, term.range) == (kind, domain, range_)
    assert parent is None or parent in term.parents


def test_a_property_constraint_names_the_class_it_applies_to(dutch):
    goal = dutch.term(SL.goal).constraints
    assert {(c.target, c.severity) for c in goal} >= {(SL.Practice, "violation"), (SL.Practice, "warning")}


def test_a_datatype_is_listed_with_the_classes_as_a_restriction_of_its_base(dutch):
    nis = dutch.term(SL.NisCode)
    assert nis in dutch.classes and nis.kind == "datatype" and nis.parents == [XSD.string]


def test_every_term_is_listed_once_with_a_unique_anchor_sorted_by_label(dutch, english):
    for listed in (dutch, english):
        terms = listed.classes + listed.properties
        assert len({term.anchor for term in terms}) == len(terms) > 25
        for group in (listed.classes, listed.properties):
            labels = [term.label.value.casefold() for term in group]
            assert labels == sorted(labels)


class Page(HTMLParser):
    """Collect a page's ids and anchors' targets, and check that every element it opens it closes."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.open = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else ''}>"
        self.open.pop()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from publisher.app import create_app
    return create_app({"build_dir": tmp_path_factory.mktemp("var")})  # no build: the page needs none


def render(app, documented, lang: str) -> str:
    with app.test_request_context(f"/ns?lang={lang}"):
        extra = {} if "_" in app.jinja_env.globals else {"_": lambda text: text}
        return flask.render_template("ontology.html", vocabulary=documented, alternates=ALTERNATES, **extra)


def section(html: str, anchor: str) -> str:
    return html.split(f'<section id="{anchor}"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_page_has_every_term_at_its_anchor_with_its_label(app, triples, lang):
    documented = vocabulary.read(*triples, lang=lang)
    html = render(app, documented, lang)
    page = Page()
    # Only the ontology's own part must balance: the frame around it is base.html's.
    page.feed(html[html.index('<article class="ontology">'):html.index("</article>") + len("</article>")])
    page.close()
    assert page.open == []
    assert len(page.ids) == len(set(page.ids)), "an id is used twice"
    for term in documented.classes + documented.properties:
        assert term.anchor in page.ids and f"#{term.anchor}" in page.links
        assert escape(term.label.value) in section(html, term.anchor)
    assert "http://localhost/ns.ttl" in page.links


def test_the_page_links_other_vocabularies_by_prefixed_name_and_ours_here(app, dutch):
    html = render(app, dutch, "nl")
    practice = section(html, "Practice")
    assert 'href="http://www.w3.org/ns/prov#Plan"' in practice and "prov:Plan" in practice
    assert "sls:Practice_Shape" in practice and "sls:Practice_RecommendedShape" in practice
    assert 'href="http://localhost/ns#Practice">Praktijk</a>' in section(html, "goal")


def test_the_page_escapes_the_ontology_text(app, triples):
    hostile = ox.Triple(SL.Practice, SKOS.definition, ox.Literal("<script>alert(1)</script>", language="nl"))
    documented = vocabulary.read([t for t in triples[0] if t.predicate != SKOS.definition or t.subject != SL.Practice]
                                 + [hostile], triples[1])
    html = render(app, documented, "nl")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
