"""The fuzzing regression guard: schemathesis over every spec chatsim serves (the vendors' from the
registry, and the admin API's), deterministic and bounded, against a live server on loopback.

It fails on any 5xx, any status or answer its spec does not declare, and any crash; it covers every
operation a later issue adds to a spec without a change here. The long polls are left out (a fuzzed ``wait`` of
two minutes only proves they wait); tests/test_journal.py and the callback tests cover them.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from chatsim.paths import SPECS_DIR
from chatsim.toolkit.http import request
from chatsim.toolkit.server import ThreadedChatsim
from chatsim.vendors.registry import discover

EXAMPLES = 2  # per operation and phase; CI stays in seconds, and the generation is deterministic
LONG_POLLS = ("getJournal", "listCallbacks", "gewe.listCallbacks")
SPECS = [*(spec for vendor in discover().values() for spec in vendor.specs), SPECS_DIR / "admin.yaml"]


@pytest.fixture(scope="module")
def server():
    with ThreadedChatsim(check_responses=False) as running:
        yield running


def credentials(url: str, spec: Path) -> list[str]:
    """Headers that get the fuzzed requests past auth into the handlers, where the demo world has them
    (DingTalk's token travels in the query, which the command line cannot add: its fuzzing stops at
    the gateway's checks)."""
    if spec.stem == "gewe":
        return ["-H", "X-GEWE-TOKEN: 6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"]
    if spec.stem == "dingtalk_v1":  # v1.0's token is a header: its fuzzing reaches the handlers
        token = request("POST", url + "/v1.0/oauth2/accessToken", timeout=10,
                        json_body={"appKey": "dingdemoappkey", "appSecret": "dingdemoappsecret"}).json()["accessToken"]
        return ["-H", f"x-acs-dingtalk-access-token: {token}"]
    if spec.stem == "eggjs_im":
        token = request("POST", url + "/api/loginChat", form={"username": "my01", "password": "123456"},
                        timeout=10).json()["data"]["token"]
        return ["-H", f"token: {token}"]
    return []


@pytest.mark.parametrize("spec", SPECS, ids=lambda path: Path(path).stem)
def test_no_spec_answers_a_5xx_or_breaks_its_own_schema(server, spec, tmp_path, caplog):
    command = [sys.executable, "-m", "schemathesis.cli", "run", str(spec), "--url", server.url,
               "--max-examples", str(EXAMPLES), "--generation-deterministic", "--no-shrink", "--workers", "1",
               "--checks", "not_a_server_error,status_code_conformance,response_schema_conformance",
               "--request-timeout", "10",
               *credentials(server.url, Path(spec)),
               *(arg for op in LONG_POLLS for arg in ("--exclude-operation-id", op))]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    summary = [line for line in done.stdout.splitlines() if "generated" in line]
    print(f"{Path(spec).stem}: {summary[-1].strip() if summary else done.stdout[-300:]}")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert summary and "passed" in summary[-1], done.stdout[-2000:]
    # A bug answers in the vendor's shape (GeWe's ret 500 on HTTP 200 passes both checks), so the
    # guard also fails on every bug the chain caught and logged.
    bugs = [record.getMessage() for record in caplog.records if record.getMessage().startswith("unhandled error")]
    assert bugs == []
