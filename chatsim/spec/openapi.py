"""OpenAPI 3.0 schema objects as the plain JSON Schema fastjsonschema checks against."""

from typing import Any

_OPENAPI_ONLY = {"example", "examples", "xml", "externalDocs", "discriminator", "deprecated", "readOnly",
                 "writeOnly", "nullable"}
_KNOWN_FORMATS = {"date-time", "date", "email", "hostname", "ipv4", "ipv6", "uri", "uuid", "regex"}


def to_json_schema(schema: Any) -> Any:
    """Translate an OpenAPI 3.0 schema object into plain JSON Schema."""
    if isinstance(schema, list):
        return [to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _OPENAPI_ONLY or key.startswith("x-"):
            continue
        if key == "format" and value not in _KNOWN_FORMATS:
            continue
        if key == "additionalProperties" and schema.get("type") not in (None, "object"):
            continue
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        else:
            out[key] = to_json_schema(value)
    if schema.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out
