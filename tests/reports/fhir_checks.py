"""Two independent validators for the FHIR export, and small look-ups into a Bundle.

fhir.resources' R4B models parse every resource (R4B keeps R4's resources that the export
uses); the official R4 JSON schema (vendored in fhir_r4/, see its README) checks each
resource against its own definition with jsonschema, and the Bundle's own shape.
"""

from __future__ import annotations

import copy
import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from jsonschema import Draft6Validator

SCHEMA = Path(__file__).parent / "fhir_r4" / "fhir.schema.json.gz"


@cache
def _schema() -> dict[str, Any]:
    with gzip.open(SCHEMA, "rt", encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return]


@cache
def _validator(kind: str) -> Draft6Validator:
    schema = dict(_schema())
    schema.pop("oneOf", None)
    schema.pop("discriminator", None)
    schema["$ref"] = f"#/definitions/{kind}"
    return Draft6Validator(schema)


def schema_errors(resource: dict[str, Any]) -> list[str]:
    """What the official R4 JSON schema finds wrong with one resource (empty when it conforms)."""
    return [
        f"{resource['resourceType']} {'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(resource["resourceType"]).iter_errors(resource)
    ]


def validate_twice(bundle: dict[str, Any]) -> None:
    """The Bundle and every resource pass the R4 JSON schema and parse with the R4B models."""
    shell = copy.deepcopy(bundle)
    for entry in shell["entry"]:
        entry["resource"] = {"resourceType": "Basic", "code": {"text": "checked on its own"}}
    errors = schema_errors(shell)
    for entry in bundle["entry"]:
        errors += schema_errors(entry["resource"])
    assert not errors, "\n".join(errors[:20])
    get_fhir_model_class("Bundle").model_validate(bundle)
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The Bundle's resources of one type, in order."""
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_url(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each entry's resource by its fullUrl."""
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def references(node: Any) -> list[str]:
    """Every ``reference`` inside a resource (contained ``#id`` ones included)."""
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for value in node.values() for r in references(value)]
    if isinstance(node, list):
        return [r for value in node for r in references(value)]
    return []
