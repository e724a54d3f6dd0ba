"""The reconciliation API's JSON Schemas (vendored in tests/conformance/reconciliation/), ready to validate."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

HERE = Path(__file__).parent / "conformance" / "reconciliation"
VERSIONS = ("0.2", "1.0-draft")


@cache
def _registry(version: str) -> Registry:
    # Each version in a registry of its own: the 0.2 folder reuses an $id of the draft for one schema.
    resources = []
    for path in sorted((HERE / version / "schemas").glob("*.json")):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"].rstrip("#"), Resource.from_contents(schema, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


@cache
def validator(version: str, name: str) -> Draft7Validator:
    """The Draft 7 validator of ``schemas/{name}.json`` of a version, its references resolved in the folder."""
    schema = json.loads((HERE / version / "schemas" / f"{name}.json").read_text())
    return Draft7Validator(schema, registry=_registry(version))


def errors(version: str, name: str, document) -> list:
    """What is wrong with a document by a schema, as readable lines; empty when it is valid."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator(version, name).iter_errors(document)]
