"""docs/architecture.md's listing of the request chain is what ``chatsim chain`` prints from the code."""

from chatsim.chain import describe
from tests.repo import ROOT


def test_the_architecture_doc_shows_the_chain_the_code_has():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "\n".join(describe()) in doc, "docs/architecture.md's chain listing is stale: paste `chatsim chain`"
