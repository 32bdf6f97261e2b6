"""Every OpenAPI document is valid, and every operation chatsim routes has an operationId."""

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from chatsim.paths import SPECS_DIR
from chatsim.spec.load import LOADER, load_document

DOCUMENTS = sorted(SPECS_DIR.glob("*.yaml"))
CALLBACK_SCHEMAS = sorted(SPECS_DIR.glob("*.schema.json"))


def test_all_four_documents_exist():
    assert {p.name for p in DOCUMENTS} >= {"gewe.yaml", "dingtalk.yaml", "eggjs_im.yaml", "admin.yaml"}


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_the_c_loader_reads_what_the_python_loader_reads(path: Path):
    text = path.read_text(encoding="utf-8")
    assert LOADER is yaml.CSafeLoader  # libyaml is installed here: start-up is measured with it
    assert yaml.load(text, Loader=LOADER) == yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_openapi_document_is_valid(path: Path):
    validate(load_document(path))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_operation_has_a_unique_operation_id(path: Path):
    ids = [op["operationId"] for item in load_document(path)["paths"].values()
           for key, op in item.items() if key in ("get", "post", "put", "delete", "patch")]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path", CALLBACK_SCHEMAS, ids=lambda p: p.name)
def test_callback_schemas_are_valid_json_schema(path: Path):
    Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
