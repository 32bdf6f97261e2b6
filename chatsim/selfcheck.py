"""``--check-responses``: every response chatsim sends is checked against its spec with openapi-core,
and every callback payload against the vendor's callback JSON Schemas.

This is the slow, thorough validator, so it is off by default and on in the test suite: drift
between a model and its spec is recorded on the journal record and logged loudly, and the suite
fails on it.
"""

import json
import logging
from collections import deque
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from chatsim.contract import Reply, Vendor
from chatsim.dataclass import dataclass
from chatsim.spec.load import load_document
from chatsim.spec.operations import Operation

log = logging.getLogger("chatsim.selfcheck")


@dataclass
class _Request:
    host_url: str
    path: str
    method: str
    parameters: RequestParameters
    content_type: str = "application/json"
    body: bytes | None = None

    @property
    def full_url_pattern(self) -> str:
        return self.host_url + self.path


@dataclass
class _Response:
    status_code: int
    content_type: str
    headers: Headers
    data: bytes | None


@cache
def _openapi(path: Path) -> OpenAPI:
    """Validating a spec costs ~0.1 s; every app in a test process shares the same read-only files."""
    return OpenAPI.from_file_path(str(path))


class ResponseChecker:
    def __init__(self, vendors: Mapping[str, Vendor[Any, Any]]) -> None:
        # by (vendor, spec path): a vendor may serve several documents (DingTalk's oapi and v1.0)
        self._apis: dict[tuple[str, str], tuple[OpenAPI, str]] = {}
        for name, vendor in vendors.items():
            for path in vendor.specs:
                doc = load_document(path)
                servers = doc.get("servers") or [{"url": "http://127.0.0.1:7001"}]
                api = (_openapi(path), servers[0]["url"].rstrip("/"))
                self._apis.update({(name, url): api for url in doc.get("paths") or {}})

    def problems(self, op: Operation, path_params: Mapping[str, str], status: int, content_type: str,
                 body: bytes) -> list[str]:
        path = op.path
        for key, value in path_params.items():
            path = path.replace("{" + key + "}", value)
        api, host = self._apis[(op.vendor, op.path)]
        request = _Request(host, path, op.method.lower(),
                           RequestParameters(path=dict(path_params), query=ImmutableMultiDict(),
                                             header=Headers(), cookie=ImmutableMultiDict()))
        response = _Response(status, content_type.lower(), Headers({"Content-Type": content_type}), body)
        return [_describe(error) for error in api.iter_response_errors(request, response)]

    def __call__(self, op: Operation, reply: Reply, path_params: Mapping[str, str], content_type: str) -> list[str]:
        found = self.problems(op, path_params, reply.status, content_type, reply.body)
        if found:
            log.error("RESPONSE DOES NOT MATCH SPEC: %s %s -> %s", op.vendor, op.operation_id, found)
        return found


def _describe(error: Any) -> str:
    parts = [str(error)]
    cause = error.__cause__
    while cause is not None:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            parts.extend(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in schema_errors)
        else:
            parts.append(str(cause))
        cause = cause.__cause__
    return "; ".join(parts)


class CallbackChecker:
    """Callback payloads against each vendor's callback schemas (its manifest's ``callback_schema``,
    e.g. ``specs/gewe_callbacks.schema.json``), the callback half of ``--check-responses``.

    Convention for that file: a JSON Schema document (draft 2020-12 unless its ``$schema`` says
    otherwise) whose ``$defs`` (or ``definitions``) maps every event kind the vendor passes to
    ``outbox.emit`` (``AddMsg``, ``ModContacts``...) to the schema of that kind's payload. Kinds may
    ``$ref`` each other and shared parts inside the same file. A vendor without the file emits no
    checked callbacks; a vendor with it must describe every kind it emits, so a new kind cannot
    slip past the check.
    """

    def __init__(self, files: Mapping[str, Path | None], keep: int = 1000) -> None:
        self._validators: dict[str, dict[str, Any]] = {}
        self._files: dict[str, str] = {}
        self.mismatches: deque[str] = deque(maxlen=keep)
        for vendor, path in files.items():
            if path is not None and path.is_file():
                self._files[vendor] = path.name
                self._validators[vendor] = _kind_validators(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def of(cls, vendors: Iterable[Vendor[Any, Any]]) -> "CallbackChecker":
        return cls({vendor.name: vendor.callback_schema for vendor in vendors})

    def kinds(self, vendor: str) -> list[str]:
        return sorted(self._validators.get(vendor, {}))

    def problems(self, vendor: str, kind: str, payload: Any) -> list[str]:
        validators = self._validators.get(vendor)
        if validators is None:
            return []
        validator = validators.get(kind)
        if validator is None:
            return [f"no schema for callback kind {kind!r} in {self._files[vendor]}"]
        errors = sorted(validator.iter_errors(payload), key=lambda e: list(map(str, e.absolute_path)))
        return [f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]

    def __call__(self, delivery: Any) -> list[str]:
        found = self.problems(delivery.vendor, delivery.kind, delivery.payload)
        if found:
            line = f"callback #{delivery.id} {delivery.vendor} {delivery.kind}: {'; '.join(found)}"
            self.mismatches.append(line)
            log.error("CALLBACK DOES NOT MATCH ITS SCHEMA: %s", line)
        return found


def _kind_validators(doc: dict[str, Any]) -> dict[str, Any]:
    key = "$defs" if "$defs" in doc else "definitions"
    cls = jsonschema.validators.validator_for(doc, default=jsonschema.Draft202012Validator)
    cls.check_schema(doc)
    return {kind: cls({**doc, "$ref": f"#/{key}/{kind}"}) for kind in doc.get(key, {})}
