"""The vendored reconciliation schemas are wired: the spec's valid examples pass them and its invalid ones fail."""

import json

import pytest

from _reconcile_schemas import HERE, VERSIONS, errors

EXAMPLES = [(version, folder.name, case.parent.name, case)
            for version in VERSIONS
            for folder in sorted((HERE / version / "examples").iterdir())
            if (HERE / version / "schemas" / f"{folder.name}.json").exists()
            for case in sorted(folder.glob("*/*.json"))]


def test_every_schema_has_examples_of_both_kinds():
    kinds = {(version, verdict) for version, _, verdict, _ in EXAMPLES}
    assert kinds == {(v, k) for v in VERSIONS for k in ("valid", "invalid")}


@pytest.mark.parametrize("version, name, verdict, case", EXAMPLES,
                         ids=[f"{v}/{n}/{k}/{c.name}" for v, n, k, c in EXAMPLES])
def test_spec_example(version, name, verdict, case):
    found = errors(version, name, json.loads(case.read_text()))
    assert (not found) == (verdict == "valid"), found or "an invalid example passed"
