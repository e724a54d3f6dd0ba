"""The schema.org JSON-LD that resource pages and the home page embed: what a search engine reads there."""

import json

import jinja2
import pyoxigraph as ox
import pytest

from publisher import schemaorg
from publisher.vocab import DCT

PAGE = "http://127.0.0.1:8000/doc/"
HOSTILE = "Samen </script><script>alert(1)</script> & <!-- \u2028 -->"


def describe(store, key: str) -> tuple[str, list]:
    """Return the IRI of ``id/{key}`` and the triples its page has: own, labels of linked IRIs, inverse links."""
    uri = store.manifest["base"] + "id/" + key
    description = store.graph.describe(uri)
    return uri, description.triples + description.labels + description.links()


def jsonld(store, key: str, lang: str = "nl") -> dict | None:
    uri, triples = describe(store, key)
    return schemaorg.document(triples, uri, PAGE + key, lang)


def names(values: list) -> set:
    return {value["name"] for value in values}


@pytest.mark.parametrize("key, kind", [
    ("praktijk/sociale-cohesie", "CreativeWork"),
    ("initiatief/bibambassadeurs", "Project"),
    ("organisatie/stad-genk", "Organization"),
    ("programma/plan-samenleven", "Project"),
    ("gemeente/44021", "AdministrativeArea"),
    ("provincie/40000", "AdministrativeArea"),
    ("gewest/02000", "AdministrativeArea"),
    ("plaats/gent-ledeberg", "Place"),
    ("concept/doelgroep/ouderen", "DefinedTerm"),
    ("conceptscheme/doelgroep", "DefinedTermSet"),
])
def test_each_class_has_its_schema_org_type(store, key, kind):
    data = jsonld(store, key)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == kind
    assert data["@id"] == store.manifest["base"] + "id/" + key
    assert data["mainEntityOfPage"]["@id"] == PAGE + key


@pytest.mark.parametrize("key", ["bron/000_f828c39997d712d8", "gemeente/99999"])
def test_a_resource_without_a_schema_org_form_has_no_script(store, key):
    assert jsonld(store, key) is None
    assert schemaorg.script(jsonld(store, key)) == ""


@pytest.mark.parametrize("key, lang, name", [
    ("praktijk/sociale-cohesie", "nl", "Sociale cohesie"),
    ("praktijk/sociale-cohesie", "en", "Social cohesion"),
    ("initiatief/bibambassadeurs", "nl", "Bibambassadeurs"),
    ("initiatief/bibambassadeurs", "en", "Library ambassadors"),
    ("organisatie/vvsg", "en", "Association of Flemish Cities and Municipalities"),
    ("concept/doelgroep/ouderen", "en", "Older people"),
    ("gemeente/44021", "en", "Gent"),  # no English name: Dutch, never the French "Gand"
])
def test_the_name_is_in_the_language_of_the_page(store, key, lang, name):
    assert jsonld(store, key, lang)["name"] == name


def test_a_municipality_has_its_nis_code_registry_uri_and_province(store):
    data = jsonld(store, "gemeente/44021")
    assert [code["value"] for code in data["identifier"]] == ["44021"]
    assert data["identifier"][0]["@type"] == "PropertyValue"
    assert data["sameAs"] == ["https://data.vlaanderen.be/id/gemeente/44021"]
    assert {"Provincie Oost-Vlaanderen", "Vlaams Gewest"} <= names(data["containedInPlace"])
    assert "Ledeberg" in names(data["containsPlace"])


def test_an_initiative_names_its_places_runner_and_practice(store):
    data = jsonld(store, "initiatief/standaertsite", "en")
    assert names(data["location"]) == {"Gent", "Ledeberg"}
    assert names(data["parentOrganization"]) == {"sogent"}
    assert names(data["knowsAbout"]) == {"Social cohesion"}
    assert "datePublished" not in data and "datePublished" in data["mainEntityOfPage"]


def test_an_initiative_names_its_partners_and_programmes(store):
    data = jsonld(store, "initiatief/pleinmaker-hof-ten-rode-en-de-nestel")
    assert names(data["member"]) == {"KVG", "Blijdorp"}
    assert names(data["funder"]) == {"Plan Samenleven, actie 22: pleinmakers", "Zorgzame buurten"}
    assert {place["name"] for place in data["location"]} == {"Dendermonde"}


def test_an_initiative_shows_its_coverage_and_contact(store):
    assert jsonld(store, "initiatief/samen-inburgeren")["areaServed"] == "Meer dan 30 gemeenten"
    assert jsonld(store, "initiatief/mensen-maken-de-stad")["email"] == "socialecohesie@mechelen.be"


def test_an_organisation_links_to_its_own_site_and_mailbox(store):
    data = jsonld(store, "organisatie/vvsg")
    assert data["url"] == "https://www.vvsg.be"
    assert data["email"] == "samenleven@vvsg.be"
    assert data["alternateName"] == "VVSG"
    assert data["mainEntityOfPage"]["@id"] == PAGE + "organisatie/vvsg"


def test_an_organisation_lists_what_it_runs(store):
    data = jsonld(store, "organisatie/stad-genk")
    assert {"Bibambassadeurs", "Samenwerkingstraject Bart Brandsma"} <= names(data["subOrganization"])
    assert names(data["areaServed"]) == {"Genk"}


def test_a_programme_has_its_responsible_organisations_and_period(store):
    data = jsonld(store, "programma/levl-samenwerkingsovereenkomst", "en")
    assert names(data["parentOrganization"]) == {"LEVL", "Flemish Government"}
    assert (data["foundingDate"], data["dissolutionDate"]) == ("2022", "2026")


def test_a_practice_has_its_topics_audience_and_dates(store):
    uri, triples = describe(store, "praktijk/sociale-cohesie")
    data = schemaorg.document(triples, uri, PAGE + "praktijk/sociale-cohesie")
    about = {term["name"]: term["@type"] for term in data["about"]}
    assert about["Sociale cohesie"] == about["Jeugd"] == "DefinedTerm"
    assert "Jongeren uit de buurt" in {group["audienceType"] for group in data["audience"]}
    assert data["abstract"].startswith("De bedoeling van praktijken")
    assert data["image"][0]["creditText"] == "Provider image"
    issued = next(t.object.value for t in triples if t.subject == ox.NamedNode(uri) and t.predicate == DCT.issued)
    assert data["datePublished"] == issued


def test_a_concept_is_a_defined_term_of_its_scheme(store):
    data = jsonld(store, "concept/doelgroep/ouderen")
    assert data["termCode"] == "ouderen"
    assert data["description"] == "Oudere inwoners, waaronder bewoners van woonzorgcentra."
    assert names(data["inDefinedTermSet"]) == {"Doelgroepen"}
    assert "Ouderen" in names(jsonld(store, "conceptscheme/doelgroep")["hasDefinedTerm"])


@pytest.mark.parametrize("key", ["praktijk/sociale-cohesie", "initiatief/pleinmaker-hof-ten-rode-en-de-nestel",
                                 "organisatie/stad-genk", "programma/plan-samenleven", "gemeente/44021"])
def test_every_linked_resource_carries_a_type_and_a_name(store, key):
    def linked(value):
        if isinstance(value, list):
            for item in value:
                yield from linked(item)
        elif isinstance(value, dict):
            if "@id" in value and value is not data:
                yield value
            for item in value.values():
                yield from linked(item)

    data = jsonld(store, key)
    found = [value for value in linked(data) if value["@id"].startswith(store.manifest["base"] + "id/")]
    assert found
    assert all(value.get("name") and value.get("@type") for value in found)


def test_a_hostile_title_cannot_end_the_script_element(store):
    uri, triples = describe(store, "praktijk/sociale-cohesie")
    node = ox.NamedNode(uri)
    triples = [t for t in triples if not (t.subject == node and t.predicate == DCT.title)]
    triples.append(ox.Triple(node, DCT.title, ox.Literal(HOSTILE, language="nl")))
    element = str(schemaorg.script(schemaorg.document(triples, uri, PAGE + "praktijk/sociale-cohesie")))
    opening, closing = '<script type="application/ld+json">', "</script>"
    assert element.startswith(opening) and element.endswith(closing)
    assert element.lower().find("</script") == len(element) - len(closing)
    content = element[len(opening):-len(closing)]
    assert not set("<>&\u2028") & set(content)
    assert json.loads(content)["name"] == HOSTILE


def test_the_script_is_not_escaped_again_in_a_template(store):
    element = schemaorg.script(jsonld(store, "gemeente/44021"))
    page = jinja2.Environment(autoescape=True).from_string("{{ jsonld }}").render(jsonld=element)
    assert page == str(element)
    assert json.loads(page[page.index(">") + 1:-len("</script>")])["name"] == "Gent"


@pytest.mark.parametrize("lang, name", [("nl", "de praktijkdatabank van VVSG"), ("en", "good-practice database")])
def test_the_dataset_names_its_licence_and_downloads(store, lang, name):
    downloads = [("http://127.0.0.1:8000/dumps/graph.ttl", "text/turtle", "Turtle"),
                 ("http://127.0.0.1:8000/dumps/graph.nt.gz", "application/n-triples", "N-Triples (gzip)")]
    licence = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"  # not the default
    data = schemaorg.dataset(store.manifest, "http://127.0.0.1:8000/", downloads, licence, lang)
    assert data["@type"] == "Dataset" and data["url"] == "http://127.0.0.1:8000/"
    assert name in data["name"]
    assert f"{store.manifest['counts']['initiatives']} " in data["description"]
    assert len(data["description"]) >= 50  # Google's minimum for a Dataset description
    assert data["license"] == licence
    assert [(d["@type"], d["contentUrl"], d["encodingFormat"]) for d in data["distribution"]] == [
        ("DataDownload", url, media) for url, media, _ in downloads]
    assert json.loads(str(schemaorg.script(data)).split(">", 1)[1][:-len("</script>")]) == data


def test_the_home_page_states_the_licence_of_the_license_setting(built):
    """An operator who publishes under another licence sees it in the page's JSON-LD, as in the catalogue."""
    from publisher.app import create_app
    licence = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    app = create_app({"build_dir": built[0]["build_dir"], "license": licence})
    try:
        page = app.test_client().get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    finally:
        app.extensions["samenleven.store"].get().close()
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(script)["license"] == licence
