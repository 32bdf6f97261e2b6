"""specs/gewe.yaml keeps the three seed operations exactly as the vendor's apifox documents give them."""

import copy
from pathlib import Path

import pytest
import yaml

from chatsim.paths import SPECS_DIR

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_FILES = ["000_82debb3c316e49fe.txt", "001_e50c2c89ab658030.txt", "004_dfee6f621d12d204.txt"]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not next to this checkout")
@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_operation_is_unchanged_but_for_its_operation_id_and_failure_body(name):
    seed = yaml.safe_load((SEEDS / name).read_text(encoding="utf-8").split("```yaml")[1].split("```")[0])
    ours = yaml.safe_load((SPECS_DIR / "gewe.yaml").read_text(encoding="utf-8"))
    for path, item in seed["paths"].items():
        mine = copy.deepcopy(ours["paths"][path])
        assert mine["post"].pop("operationId")
        content = mine["post"]["responses"]["200"]["content"]["application/json"]
        success, failure = content["schema"]["anyOf"]
        assert failure == {"$ref": "#/components/schemas/Failure"}
        content["schema"] = success
        assert mine == item
