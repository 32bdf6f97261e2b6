"""Every OpenAPI document is valid, and every operation chatsim routes has an operationId."""

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from chatsim.paths import SPECS_DIR
from chatsim.spec.load import load_document, resolve_refs
from chatsim.spec.yamlread import yaml_loader

DOCUMENTS = sorted(SPECS_DIR.glob("*.yaml"))
CALLBACK_SCHEMAS = sorted(SPECS_DIR.glob("*.schema.json"))


def test_all_four_documents_exist():
    assert {p.name for p in DOCUMENTS} >= {"gewe.yaml", "dingtalk.yaml", "eggjs_im.yaml", "admin.yaml"}


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_the_c_loader_reads_what_the_python_loader_reads(path: Path):
    text = path.read_text(encoding="utf-8")
    assert yaml_loader() is yaml.CSafeLoader  # libyaml is installed here: start-up is measured with it
    assert yaml.load(text, Loader=yaml_loader()) == yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506


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


def _inlined(node, root):  # type: ignore[no-untyped-def]
    """The plain way: a full copy with every local reference inlined."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target = root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return _inlined(target, root)
        return {key: _inlined(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [_inlined(item, root) for item in node]
    return node


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_references_are_inlined_as_a_full_copy_would_inline_them(path: Path):
    doc = load_document(path)
    before = json.dumps(doc, sort_keys=True, default=str)
    memo: dict[str, object] = {}
    for item in (doc.get("paths") or {}).values():
        resolved = resolve_refs(item, doc, memo)
        assert resolved == _inlined(item, doc)
        assert "$ref" not in json.dumps(resolved, default=str) or "$ref" in json.dumps(_inlined(item, doc), default=str)
    assert json.dumps(doc, sort_keys=True, default=str) == before  # the document is left as it was
