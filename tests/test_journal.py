"""The journal ring: one plain tuple per answered request, notes only for requests that cause something."""

from chatsim.journal import Journal, JournalNotes


def answered(journal: Journal, tenant: str = "t", notes: JournalNotes | None = None) -> int:
    return journal.append(1.0, tenant, "gewe", "op", "POST", "/p", "", b"{}", 200, b"{}", 200, (), 0.5, notes)


def test_a_callback_attempt_made_after_the_answer_shows_on_the_record():
    journal = Journal()
    notes = JournalNotes()
    record_id = answered(journal, notes=notes)
    notes.callbacks += ({"status": 200},)
    [record] = journal.query()
    assert (record.id, notes.id) == (record_id, record_id)
    assert record.callbacks == ({"status": 200},)
    assert record.to_json()["response"] == {"status": 200, "body": {}, "vendor_code": 200}


def test_notes_leave_with_their_records():
    journal = Journal(capacity=2)
    ids = [answered(journal, notes=JournalNotes(callbacks=({"n": i},))) for i in range(7)]
    assert [(r.id, r.callbacks) for r in journal.query()] == [(ids[5], ({"n": 5},)), (ids[6], ({"n": 6},))]
    assert len(journal._notes) <= 2 * journal.capacity  # bounded like the ring, not by the requests ever made


def test_clearing_a_tenant_keeps_the_others_and_their_notes():
    journal = Journal()
    answered(journal, "a", JournalNotes(response_check=("x",)))
    kept = answered(journal, "b", JournalNotes(response_check=("y",)))
    journal.clear("a")
    assert [(r.id, r.tenant, r.response_check) for r in journal.query()] == [(kept, "b", ("y",))]
    assert journal.query(tenant="a") == []
