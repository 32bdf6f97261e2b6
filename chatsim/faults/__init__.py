"""Fault rules, kept as plain data: the limiter and the rules a tenant was given, with their
counters and random streams. Nothing here knows HTTP, a request or a vendor; ``chatsim.injection``
applies the rules to calls, the outbox to callbacks."""

import json
from pathlib import Path
from typing import Any

# The rules' JSON Schema: a scenario's ``faults:`` and the admin API's PUT are checked against it
# (its own ``$id``, so its references resolve inside it wherever it is embedded).
SCHEMA: dict[str, Any] = json.loads((Path(__file__).parent / "schema.json").read_text(encoding="utf-8"))
