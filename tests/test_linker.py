"""The linker: a place name as a source writes it gives the municipality valid on that day."""

import re
import subprocess
import sys

import pytest

from publisher import config, linker
from publisher.errors import LinkError

B = "https://w3id.org/samenleven/id/"


@pytest.fixture(scope="module")
def places():
    return linker.for_graph(config.load()["graph_dir"])


@pytest.mark.parametrize("name, on, nis, locality", [
    ("Antwerpen", None, "11002", None), ("Brussel", None, "21004", None), ("Gent", None, "44021", None),
    ("Dendermonde", None, "42006", None), ("Genk", None, "71016", None), ("Leuven", None, "24062", None),
    ("Mechelen", None, "12025", None), ("Hoegaarden", None, "24041", None), ("Lanaken", None, "73042", None),
    ("Aalst", None, "41002", None), ("Wuustwezel", None, "11053", None),
    ("Lochristi", "2021-06-01", "44034", None), ("Lochristi", "2025-06-01", "44087", None),
    ("Deurne (Antwerpen)", None, "11002", "antwerpen-deurne"), ("Borgerhout", None, "11002", "antwerpen-borgerhout"),
    ("Ledeberg", None, "44021", "gent-ledeberg"), ("Kessel-Lo", None, "24062", "leuven-kessel-lo"),
    ("Winterslag", None, "71016", "genk-winterslag"),
    ("GENT", None, "44021", None), ("gand", None, "44021", None), ("Bruxelles", None, "21004", None),
    ("Liège", None, "62063", None), ("liege", None, "62063", None), ("stad Mechelen", None, "12025", None),
    ("kessel lo", None, "24062", "leuven-kessel-lo"), ("9000", None, "44021", None),
    ("2100", None, "11002", "antwerpen-deurne"), ("Hasselt", "2024-12-31", "71022", None),
    ("Hasselt", "2025-01-01", "71072", None), ("Bastogne", "2020-01-01", "82003", None), ("Bastogne", None, "82039", None),
])
def test_names_link_to_the_municipality_of_the_day(places, name, on, nis, locality):
    found = places.link(name, on)
    assert (found.nis, found.municipality) == (nis, f"{B}gemeente/{nis}")
    assert found.locality == (f"{B}plaats/{locality}" if locality else None)


def test_a_merged_municipality_is_one_step_from_its_successor(places):
    assert places.link("Lochristi", "2021-03-01").replaced_by == (f"{B}gemeente/44087",)


def test_a_postal_code_before_a_merger_is_the_predecessor_its_localities_lay_in(places):
    # bpost's localities of 9080 (Beervelde, Lochristi, Zaffelare, Zeveneken) all lay in the Lochristi of before
    # 2025; 9185's (Wachtebeke) in Wachtebeke: neither code is both, though today both are Lochristi's (44087).
    assert places.link("9080", "2020-01-01").nis == "44034"
    assert places.link("9185", "2020-01-01").nis == "44073"


@pytest.mark.parametrize("name, on, says", [
    ("Deurne", None, "ambiguous"),                  # an Antwerp district and a part of Diest
    ("1040", None, "ambiguous"),                    # Brussel and Etterbeek share it
    ("Atlantis", None, "unknown place"),
    ("Gentt", None, "did you mean Gent (44021)"),    # a suggestion by its proper name and code, never a guess
    ("Merelbeke-Melle", "2020-01-01", "existed from 2025-01-01"),
    ("Deurne (Mechelen)", None, "no place named 'Deurne' lies in 'Mechelen'"),  # a known name, not there
    ("Heverlee (9000)", None, "no place named 'Heverlee' lies in '9000'"),
])
def test_unknown_or_ambiguous_names_are_said_so_never_guessed(places, name, on, says):
    with pytest.raises(LinkError, match=re.escape(says)):
        places.link(name, on)


def test_link_command_prints_the_uri_and_exits_1_when_ambiguous():
    ok = subprocess.run([sys.executable, "-m", "publisher", "link", "Lochristi", "--on", "2021-05-01"],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and f"{B}gemeente/44034" in ok.stdout and "44087" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "publisher", "link", "Deurne"], capture_output=True, text=True)
    assert bad.returncode == 1 and "ambiguous" in bad.stderr and "Diest" in bad.stderr


# --- Issue 12: the names people write -------------------------------------------------------------------------
# Expected codes are Statbel's (REFNIS 2025, and the sub-municipality table in graph/gazetteer/).

def link_command(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", "link", *args], capture_output=True, text=True)


@pytest.mark.parametrize("args, nis, locality, note", [
    (["Heverlee"], "24062", "leuven-heverlee", None),                          # a sub-municipality of Leuven
    (["Sint-Amandsberg"], "44021", "gent-sint-amandsberg", None),
    (["Ghent"], "44021", None, None),                                          # an English exonym
    (["Brussels"], "21004", None, None),
    (["Melle"], "44088", "merelbeke-melle-melle", "Melle (44040) existed until 2024-12-31"),  # merged in 2025
    (["Melle", "--on", "2020-01-01"], "44040", None, None),
    (["Gontrode", "--on", "2020-01-01"], "44040", "merelbeke-melle-gontrode", None),  # its code says 44040
    (["Nevele"], "44083", "deinze-nevele", None),                              # now in Deinze
    (["Sint-Pieters-Woluwe / Woluwe-Saint-Pierre"], "21019", None, None),      # bilingual "A / B"
    (["Woluwe-Saint-Pierre / Sint-Pieters-Woluwe"], "21019", None, None),
    (["Heverlee (Leuven)"], "24062", "leuven-heverlee", None),                 # "X (Y)"
    (["Kerkhofwijk (Leuven)"], "24062", None, "'Kerkhofwijk' is not a known place"),  # X unknown: Y
    (["district Deurne"], "11002", "antwerpen-deurne", None),                  # the kind of place decides
    (["Deurne (Antwerpen)"], "11002", "antwerpen-deurne", None),
    (["Deurne (Diest)"], "24020", "diest-deurne", None),
    (["Ham"], "71071", None, "replaced by Tessenderlo-Ham (71071)"),                # ceased, no part kept its name
    (["Aalst"], "41002", None, "write `Aalst (Sint-Truiden)`"),                # the municipality, not the part
    (["3001 Heverlee"], "24062", "leuven-heverlee", None),                     # as an address writes it
    (["Heverlee (3001)"], "24062", "leuven-heverlee", None),                   # 3001: a postal code of Leuven
    (["44040", "--on", "2020-01-01"], "44040", None, None),                    # a NIS code
    (["9890"], "44020", None, None),                                           # Gavere's one postal code
])
def test_the_link_command_resolves_what_people_write(args, nis, locality, note):
    done = link_command(*args)
    assert done.returncode == 0, done.stderr
    assert f"{B}gemeente/{nis}" in done.stdout
    assert (f"{B}plaats/{locality}" in done.stdout) if locality else (f"{B}plaats/" not in done.stdout)
    if note:
        assert note in done.stdout


def test_an_ambiguous_name_lists_the_spelling_that_picks_each_candidate():
    done = link_command("Deurne")
    assert done.returncode == 1
    assert "write `Deurne (Antwerpen)` or `Deurne (Diest)`" in done.stderr
    for spelling, nis in [("Deurne (Antwerpen)", "11002"), ("Deurne (Diest)", "24020")]:
        picked = link_command(spelling)
        assert picked.returncode == 0 and f"{B}gemeente/{nis}" in picked.stdout


@pytest.mark.parametrize("name, nis", [("Beveren", "34040"), ("Beveren", "36015"), ("Beveren", "38002"),
                                       ("Beveren", "46030")])
def test_each_offered_spelling_picks_its_own_place(places, name, nis):
    with pytest.raises(LinkError) as error:
        places.link(name)
    spelling = next(c.spelling for c in error.value.candidates if c.nis == nis)
    assert places.link(spelling).nis == nis


def test_suggestions_are_proper_names_with_codes_ranked_by_similarity(places):
    with pytest.raises(LinkError) as error:
        places.link("Heverle")  # one letter short; without --csv nothing is guessed
    message = str(error.value)
    assert "did you mean Heverlee in Leuven (24062)" in message
    assert "oud heverlee" not in message  # never a lookup key
    first, *others = error.value.candidates
    assert first.nis == "24062" and all(first.score >= other.score for other in others)


def test_a_misspelling_is_never_read_as_a_different_municipality(places):
    """Lier and Lierde, Ham and Hamme: a near name is a suggestion at most, never the same place."""
    for near, other in [("Lierd", "Lier"), ("Hamm", "Ham")]:
        try:
            found = places.link(near, fuzzy=True)
        except LinkError:
            continue
        assert found.match == "fuzzy" and found.note.startswith("not a known name")


def test_candidates_give_a_reconciliation_service_scores_types_and_codes(places):
    deurne = places.candidates("Deurne")
    assert {(c.nis, c.kind, c.score, c.exact) for c in deurne} == {("11002", "District", 100, True),
                                                                   ("24020", "SubMunicipality", 100, True)}
    [ghent] = places.candidates("Ghent")
    assert (ghent.nis, ghent.kind, ghent.exact) == ("44021", "Municipality", True)
    [misspelt] = places.candidates("Sint-Amandsbreg")
    assert misspelt.nis == "44021" and not misspelt.exact and misspelt.score < 100


def test_candidates_of_a_past_day_carry_their_validity(places):
    [melle] = places.candidates("Melle", "2020-01-01")
    assert (melle.nis, melle.valid_until, melle.replaced_by) == ("44040", "2024-12-31", (f"{B}gemeente/44088",))


@pytest.mark.parametrize("text,says", [
    ("x (" * 3000 + "Gent" + ")" * 3000, "12004 characters (at most 200)"),  # was a RecursionError traceback
    ("x (" * 3 + "Gent" + ")" * 3, "3 '(' qualifiers (at most 2)"),
    ("/".join(["Gent"] * 40), "40 '/' parts (at most 3)"),
    ("Gent" * 60, "240 characters (at most 200)"),
], ids=["deeply nested", "three qualifiers", "forty parts", "too long"])
def test_a_text_too_long_or_nested_to_be_a_place_is_refused_in_one_line(text, says):
    done = link_command(text)
    assert done.returncode == 1 and done.stderr.strip() == f"error: not a place name: {says}"


def test_the_longest_real_forms_still_link(places):
    """The bound leaves room for what people write: a bilingual name with a postal code as its qualifier."""
    assert places.link("Sint-Pieters-Woluwe / Woluwe-Saint-Pierre (1150)").nis == "21019"
    assert places.link("Deurne (district Antwerpen)").nis == "11002"
