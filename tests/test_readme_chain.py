"""The README's listing of the request chain is what ``chatsim chain`` prints from the code."""

from chatsim.chain import describe
from tests.repo import ROOT


def test_the_readme_shows_the_chain_the_code_has():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\n".join(describe()) in readme, "README's chain listing is stale: paste the output of `chatsim chain`"
