"""The journal ring: one ServeEvent per answered request; sub-events recorded after the answer show on it."""

import tracemalloc

from chatsim.contract import Reply
from chatsim.journal import RECORD_OVERHEAD, Journal, ServeEvent
from chatsim.trace import CALLBACK, Trace


def answered(journal: Journal, tenant: str = "t", trace: Trace | None = None) -> int:
    event = ServeEvent(time=1.0, tenant=tenant, vendor="gewe", operation="op", method="POST", path="/p", query="",
                       request_body=b"{}", status=200, response_body=b"{}", vendor_code=200, violations=(),
                       duration_ms=0.5, sub_events=trace.sub_events if trace is not None else ())
    record_id = journal.append(event)
    if trace is not None:
        trace.record_id = record_id
    return record_id


def test_a_callback_attempt_made_after_the_answer_shows_on_the_record():
    journal = Journal()
    trace = Trace()
    record_id = answered(journal, trace=trace)
    trace.add(CALLBACK, {"status": 200})
    [record] = journal.query()
    assert (record.id, trace.record_id) == (record_id, record_id)
    assert record.callbacks == ({"status": 200},)
    assert record.to_json()["response"] == {"status": 200, "body": {}, "vendor_code": 200}


def test_sub_events_leave_with_their_records():
    journal = Journal(capacity=2)
    traces = [Trace() for _ in range(7)]
    for i, trace in enumerate(traces):
        trace.add(CALLBACK, {"n": i})
    ids = [answered(journal, trace=trace) for trace in traces]
    assert [(r.id, r.callbacks) for r in journal.query()] == [(ids[5], ({"n": 5},)), (ids[6], ({"n": 6},))]
    assert len(journal.query()) <= journal.capacity  # bounded like the ring, not by the requests ever made


def test_clearing_a_tenant_keeps_the_others_and_their_sub_events():
    journal = Journal()
    first, kept_trace = Trace(), Trace()
    first.check("x")
    kept_trace.check("y")
    answered(journal, "a", first)
    kept = answered(journal, "b", kept_trace)
    journal.clear("a")
    assert [(r.id, r.tenant, r.response_check) for r in journal.query()] == [(kept, "b", ("y",))]
    assert journal.query(tenant="a") == []


async def test_the_journal_step_fills_every_field_by_its_name(sim):
    """The journal step builds its ServeEvent positionally (for speed): every field must land where
    its name says."""
    from chatsim.app import HOST

    resp = await sim.post("/_t/jf/gewe/v2/api/contacts/setFriendPermissions?x=1", data=b'{"appId":"a"}',
                          headers={"X-GEWE-TOKEN": "nope", "Content-Type": "application/json"})
    assert resp.status == 200
    [event] = sim.server.app[HOST].journal.query(tenant="jf")
    assert (event.tenant, event.vendor, event.operation, event.method, event.path, event.query) == (
        "jf", "gewe", "setFriendPermissions", "POST", "/gewe/v2/api/contacts/setFriendPermissions", "x=1")
    assert (event.request_body, event.status, event.vendor_code) == (b'{"appId":"a"}', 200, 500)
    assert event.response_body == await resp.read()
    assert isinstance(event.time, float) and event.time > 1e9 and 0 < event.duration_ms < 10_000
    assert event.violations == () and event.id >= 1 and event.sub_events == ()


def test_a_large_body_is_cut_and_the_record_says_so():
    journal = Journal(body_limit=10)
    event = ServeEvent(time=1.0, tenant="t", vendor="gewe", operation="op", method="POST", path="/p", query="",
                       request_body=b'{"a":"' + b"x" * 50 + b'"}', status=200, response_body=b"{}", vendor_code=200,
                       violations=(), duration_ms=0.5)
    journal.append(event)
    [record] = journal.query()
    assert len(record.request_body) == 10 and record.response_body == b"{}"
    assert record.to_json()["truncated"] == {"request_bytes": 58, "response_bytes": 2}
    assert journal.bytes == 12 + len("t/p") + RECORD_OVERHEAD  # the bodies kept, the texts, the overhead


def test_the_ring_is_bounded_in_bytes_as_well_as_in_records():
    record = 1000 + len("t/p") + RECORD_OVERHEAD
    journal = Journal(capacity=1000, body_limit=1000, byte_budget=3 * record)
    for i in range(50):
        journal.append(ServeEvent(time=1.0, tenant="t", vendor="gewe", operation=str(i), method="POST", path="/p",
                                  query="", request_body=b"x" * 900, status=200, response_body=b"y" * 100,
                                  vendor_code=200, violations=(), duration_ms=0.5))
    kept = journal.query()
    assert [r.operation for r in kept] == [str(i) for i in range(47, 50)]  # the newest three fit the budget
    assert journal.bytes == 3 * record
    journal.clear("t")
    assert journal.bytes == 0 and journal.query() == []


def test_what_a_request_chose_to_send_counts_against_the_bytes_too():
    """A path, query or tenant header of kilobytes is kept on the record: the budget must see it."""
    journal = Journal(capacity=1000, byte_budget=10 * (8000 + RECORD_OVERHEAD))
    for i in range(20):
        journal.append(ServeEvent(time=1.0, tenant="t" * 1000, vendor="gewe", operation=str(i), method="GET",
                                  path="/" + "a" * 2999, query="q=" + "b" * 3998, request_body=b"",
                                  status=404, response_body=b"", vendor_code=404, violations=(), duration_ms=0.5))
    assert journal.bytes == 10 * (8000 + RECORD_OVERHEAD) and len(journal.query()) == 10


def test_the_ring_keeps_serve_events_fields_in_their_order_and_the_collector_leaves_them_alone():
    import dataclasses
    import gc
    import inspect

    names = [f.name for f in dataclasses.fields(ServeEvent)]
    assert list(inspect.signature(Journal.record).parameters)[1:] == names[:names.index("sub_events") + 1]
    journal = Journal()
    plain = answered(journal)
    traced = answered(journal, trace=Trace())
    made = ServeEvent(time=1.0, tenant="t", vendor="gewe", operation="op", method="POST", path="/p", query="",
                      request_body=b"{}", status=200, response_body=b"{}", vendor_code=200, violations=(),
                      duration_ms=0.5)
    first, second = journal.query()
    assert (first.id, second.id) == (plain, traced) and first.wall > 0
    assert dataclasses.replace(first, id=0, wall=0.0) == made
    gc.collect()
    entries = list(journal._entries)
    assert not gc.is_tracked(entries[0])  # strings, numbers and bytes only: nothing for a full pass to walk
    assert gc.is_tracked(entries[1])  # its sub-events' list may still grow


async def test_long_polls_that_time_out_leave_nothing_behind(sim):
    """An idle server's dashboard polls all day: each poll that found nothing must take its waiter
    back, or the list grows until something is journaled."""
    from chatsim.app import HOST

    host = sim.server.app[HOST]
    for _ in range(5):
        journal = await sim.get("/_chatsim/journal", params={"tenant": "nobody", "wait": "0.01"})
        assert journal.status == 200 and (await journal.json())["records"] == []
        callbacks = await sim.get("/_chatsim/tenants/default/callbacks", params={"wait": "0.01"})
        assert callbacks.status == 200
    assert host.journal._waiters.waiters == []
    assert host.registry.get("default").outbox._waiters.waiters == []


def test_an_encoded_body_holds_its_own_size_not_orjson_s_buffer():
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [Reply.json({"errcode": 0, "errmsg": "ok", "n": n}).body for n in range(1000)]
        held = (tracemalloc.get_traced_memory()[0] - before) / len(kept)
    finally:
        tracemalloc.stop()
    assert kept[7] == b'{"errcode":0,"errmsg":"ok","n":7}'
    assert held < 200  # orjson's own bytes hold 4 KiB each


def test_a_record_packed_and_unpacked_is_what_was_journaled():
    """chatsim.journalpack against the plain values: texts of every kind of character (a lone
    surrogate too: a path whose percent-escapes were not UTF-8), empty and large bodies, the
    numbers' full ranges; read back through the journal and through since()."""
    import math

    from chatsim import journalpack

    texts = ["", "/gewe/v2/api/message/postText", "/api/chat/搜索/用户", "q=😀&x=%20", "/p/\udcff\ud800", "\x00\n"]
    bodies = [b"", b"{}", "中文".encode(), bytes(range(256)), b"x" * 70_000]
    numbers = [(0.0, 0.0, 0.0, 0, 0), (1e-300, math.inf, 1.7e9, 2**63 - 1, 599),
               (-1.5, 0.123456789, 1764583200.125, 1, 2**31 - 1)]
    for time, duration, wall, record_id, status in numbers:
        for path in texts:
            for query in texts[::-1]:
                for request_body, response_body in zip(bodies, bodies[::-1], strict=True):
                    packed = journalpack.pack(time, duration, wall, record_id, status, path, query, request_body,
                                              response_body)
                    assert journalpack.unpack(packed) == (time, duration, wall, record_id, status, path, query,
                                                          request_body, response_body)
                    assert (journalpack.record_id(packed), journalpack.wall(packed)) == (record_id, wall)
    journal = Journal(body_limit=10**6)
    for n, (path, body) in enumerate(zip(texts[:len(bodies)], bodies, strict=True)):
        event = ServeEvent(time=float(n), tenant=f"t{n}", vendor="dingtalk", operation="op", method="GET", path=path,
                           query=texts[-1 - n], request_body=body, status=200 + n, response_body=body[::-1],
                           vendor_code=n, violations=(), duration_ms=n / 3)
        journal.append(event)
        assert journal.query()[-1] == event and journal.since(event.id - 1) == [event]
