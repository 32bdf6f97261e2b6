"""chatsim.dataclass.dataclass: the same classes as the standard decorator, its repr, eq and hash
shared instead of compiled per class, and equal to the generated ones in every case it meets."""

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from chatsim.dataclass import dataclass as shared


def both(options: dict[str, Any], body: Callable[[], dict[str, Any]]) -> tuple[type, type]:
    """The same class made by the standard decorator and by chatsim's, with the same name."""
    made = []
    for decorate in (dataclasses.dataclass, shared):
        namespace = body()
        cls = type("Sample", (), namespace)
        made.append(decorate(**options)(cls))
    return made[0], made[1]


def fields_ab() -> dict[str, Any]:
    return {"__annotations__": {"a": int, "b": Any, "c": list, "d": str},
            "b": "x", "c": dataclasses.field(default_factory=list, compare=False, repr=False),
            "d": dataclasses.field(default="d", hash=False)}


OPTIONS = [{}, {"slots": True}, {"frozen": True}, {"frozen": True, "slots": True}, {"eq": False},
           {"frozen": True, "eq": False}, {"kw_only": True}]
VALUES = [(1, "x"), (1, "y"), (2, "x"), (1, None), (1, (1, 2)), (1, "李")]


@pytest.mark.parametrize("options", OPTIONS, ids=[str(o) for o in OPTIONS])
def test_repr_eq_and_hash_equal_the_generated_ones(options: dict[str, Any]):
    standard, ours = both(options, fields_ab)
    for a, b in VALUES:
        for c in ([], [1]):
            theirs, mine = standard(a=a, b=b, c=c), ours(a=a, b=b, c=c)
            assert repr(mine) == repr(theirs)
            for a2, b2 in VALUES:
                other_theirs, other_mine = standard(a=a2, b=b2), ours(a=a2, b=b2)
                assert (mine == other_mine) == (theirs == other_theirs)
            assert (mine == theirs) is False  # another class: NotImplemented both ways, identity last
            hashable = standard.__hash__ is not None
            assert (ours.__hash__ is not None) == hashable
            if hashable and options.get("eq", True):
                assert hash(mine) == hash(theirs)
    assert dataclasses.fields(ours) == tuple(dataclasses.fields(ours))
    assert [f.name for f in dataclasses.fields(ours)] == [f.name for f in dataclasses.fields(standard)]


def test_frozen_stays_frozen_and_replace_works():
    _, ours = both({"frozen": True, "slots": True}, fields_ab)
    one = ours(a=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.a = 2  # type: ignore[misc]
    assert dataclasses.replace(one, a=2) == ours(a=2)
    assert dataclasses.asdict(one) == {"a": 1, "b": "x", "c": [], "d": "d"}


def test_methods_the_class_defines_are_kept():
    def body() -> dict[str, Any]:
        return {"__annotations__": {"a": int}, "__repr__": lambda self: "mine",
                "__eq__": lambda self, other: True, "__hash__": lambda self: 7}

    standard, ours = both({"frozen": True}, body)
    assert repr(ours(1)) == repr(standard(1)) == "mine"
    assert (ours(1) == 5) is (standard(1) == 5) is True
    assert hash(ours(1)) == hash(standard(1)) == 7


def test_a_recursive_value_is_shown_as_the_standard_shows_it():
    standard, ours = both({}, fields_ab)
    theirs, mine = standard(a=1), ours(a=1)
    theirs.b, mine.b = theirs, mine
    assert repr(mine) == repr(theirs) == "Sample(a=1, b=..., d='d')"


def test_asdict_equals_the_standard_one_and_still_copies_what_is_mutable():
    import enum
    from typing import NamedTuple

    from chatsim.app import HOST, Settings, build_app
    from chatsim.dataclass import asdict

    class Kind(enum.IntEnum):
        A = 1

    class Pair(NamedTuple):
        left: Any
        right: Any

    @shared
    class Leaf:
        name: str
        tags: set[str]

    @shared
    class Node:
        kind: Kind
        leaves: list[Leaf]
        by_name: dict[str, Leaf]
        pair: Pair
        blob: bytes | None = None

    leaf = Leaf("李", {"x"})
    node = Node(Kind.A, [leaf], {"k": leaf}, Pair(leaf, (1, 2.5, None)), b"\x00")
    assert asdict(node) == dataclasses.asdict(node)
    assert asdict(node)["leaves"][0]["tags"] is not leaf.tags  # a copy, as the standard one makes
    world = build_app(Settings(quiet=True))[HOST].registry.get("asdict").worlds["gewe"]
    records = [*world.tokens.values(), *world.devices.values(), *world.people.values(), *world.chatrooms.values()]
    assert records and all(asdict(r) == dataclasses.asdict(r) for r in records)
