"""``--check-responses``: every response chatsim sends is checked against its spec with openapi-core.

This is the slow, thorough validator, so it is off by default and on in the test suite: drift
between a model and its spec is recorded on the journal record and logged loudly, and the suite
fails on it.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from simulator.journal import JournalRecord
from simulator.paths import SPECS_DIR
from simulator.spec import Operation, load_document
from simulator.vendor import Reply, Vendor

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


class ResponseChecker:
    def __init__(self, vendors: Mapping[str, Vendor]) -> None:
        self._apis: dict[str, OpenAPI] = {}
        self._hosts: dict[str, str] = {}
        for name, vendor in vendors.items():
            path = SPECS_DIR / vendor.spec_file
            doc = load_document(path)
            self._apis[name] = OpenAPI.from_file_path(str(path))
            servers = doc.get("servers") or [{"url": "http://127.0.0.1:7001"}]
            self._hosts[name] = servers[0]["url"].rstrip("/")

    def problems(self, op: Operation, path_params: Mapping[str, str], status: int, content_type: str,
                 body: bytes) -> list[str]:
        path = op.path
        for key, value in path_params.items():
            path = path.replace("{" + key + "}", value)
        request = _Request(self._hosts[op.vendor], path, op.method.lower(),
                           RequestParameters(path=dict(path_params), query=ImmutableMultiDict(),
                                             header=Headers(), cookie=ImmutableMultiDict()))
        response = _Response(status, content_type.lower(), Headers({"Content-Type": content_type}), body)
        return [_describe(error) for error in self._apis[op.vendor].iter_response_errors(request, response)]

    def __call__(self, op: Operation, reply: Reply, record: JournalRecord, path_params: Mapping[str, str],
                 content_type: str) -> None:
        found = self.problems(op, path_params, reply.status, content_type, record.response_body)
        if found:
            record.response_check = found
            log.error("RESPONSE DOES NOT MATCH SPEC: %s %s -> %s", op.vendor, op.operation_id, found)


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
