"""The router's index of templated paths finds what a scan of every pattern in spec order finds."""

from itertools import product

from chatsim.admin import admin_vendor
from chatsim.chain import ADMIN, bind_all
from chatsim.routing import Router
from chatsim.vendors.registry import discover


def test_the_index_answers_as_the_scan_for_every_template():
    vendors = discover(())
    everyone = {ADMIN: admin_vendor(vendors, None), **vendors}
    operations = bind_all(everyone)
    router = Router(everyone.values(), operations)
    templated = [op for ops in operations.values() for op in ops if op.templated]
    paths = {""}
    for op in templated:
        for value, tail in product(("1", "abc", "x y", "1\n", "\n", "%2F"), ("", "/", "//", "/more", "/\n")):
            paths.add(op.path.replace("{", "").replace("}", "").rsplit("/", 1)[0] + "/" + value + tail)
            paths.add("/".join(value if part.startswith("{") else part for part in op.path.split("/")) + tail)
    exact = {route for route, _ in router.exact_routes()}
    children = router.children()
    checked = by_parent = 0
    for method, path in product(("GET", "POST", "PUT", "DELETE"), sorted(paths)):
        if (method, path) in exact:
            continue
        scanned = next(((op, found.groupdict()) for op in templated
                        if op.method == method and op.pattern and (found := op.pattern.match(path))), (None, {}))
        op, params, _ = router.match(method, path)
        assert (op, params) == scanned, (method, path)
        checked += op is not None
        parent, _, value = path.rpartition("/")  # as chatsim.dispatch finds a child in its table
        if value and (child := children.get((method, parent))) is not None:
            assert (child[0], {child[1]: value}) == scanned, (method, path)
            by_parent += 1
    assert checked > len(templated)
    assert by_parent > 7 * 6  # every egg.js friend and apply path, each with six values
