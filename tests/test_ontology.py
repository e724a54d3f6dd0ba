"""The ontology: a header, and every term labelled and defined in Dutch and English."""

import pytest
import rdflib
from rdflib.namespace import DCTERMS as DCT, OWL, RDF, RDFS, SKOS

from conftest import PROJECT

NS = "https://w3id.org/samenleven/ns#"
ONTOLOGY = rdflib.URIRef("https://w3id.org/samenleven/ns")
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")


@pytest.fixture(scope="module")
def ontology():
    return rdflib.Graph().parse(PROJECT / "ontology" / "samenleven.ttl")


def test_header_has_title_description_version_licence_and_prefix(ontology):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    for predicate in (DCT.title, DCT.description):
        assert {o.language for o in ontology.objects(ONTOLOGY, predicate)} >= {"nl", "en"}
    assert ontology.value(ONTOLOGY, OWL.versionInfo) and ontology.value(ONTOLOGY, DCT.license)
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "sl"


def test_every_term_has_dutch_and_english_label_and_definition(ontology):
    terms = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(NS)}
    assert len(terms) > 25
    for term in terms:
        for predicate in (RDFS.label, SKOS.definition):
            assert {o.language for o in ontology.objects(term, predicate)} >= {"nl", "en"}, (term, predicate)
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in ontology, term


@pytest.mark.parametrize("cls", ["Practice", "Initiative", "Organisation", "Programme", "Municipality",
                                 "Locality", "District", "SubMunicipality", "Province", "Region"])
def test_required_classes_exist_and_specialise_a_standard_class(ontology, cls):
    term = rdflib.URIRef(NS + cls)
    assert (term, RDF.type, OWL.Class) in ontology
    assert list(ontology.objects(term, RDFS.subClassOf))


def test_concept_schemes_are_labelled_in_both_languages_and_mapped_where_true():
    graph = rdflib.Graph()
    for path in (PROJECT / "ontology" / "schemes").glob("*.ttl"):
        graph.parse(path)
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert {str(s).rsplit("/", 1)[1] for s in schemes} >= {"categorie", "doelgroep", "beleidsdomein", "doel"}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        assert {o.language for o in graph.objects(concept, SKOS.prefLabel)} >= {"nl", "en"}, concept
    soci = rdflib.URIRef("http://publications.europa.eu/resource/authority/data-theme/SOCI")
    assert (None, SKOS.broadMatch, soci) in graph
    assert any("productencatalogus.data.vlaanderen.be" in str(o) for o in graph.objects(None, SKOS.closeMatch))
