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


@pytest.mark.parametrize("name, on, says", [
    ("Deurne", None, "ambiguous"),                  # an Antwerp district and a part of Diest
    ("1040", None, "ambiguous"),                    # Brussel and Etterbeek share it
    ("9080", "2020-01-01", "ambiguous"),            # before the merger: Lochristi or Wachtebeke
    ("Atlantis", None, "unknown place"),
    ("Gentt", None, "did you mean gent"),
    ("Ham", None, "replaced by Tessenderlo-Ham (71071)"),
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
