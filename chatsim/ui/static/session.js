// One tenant as the page follows it: its journal records and callbacks, pushed by the long polls,
// and its world, fetched again whenever something may have changed it. Views listen for
// "records" (new journal records) and "change" (world, clock or callbacks fetched anew).

import { ok, tenantPath } from "./api.js";
import { followCallbacks, followJournal } from "./stream.js";

export const SUCCESS = new Set([0, 200, "ok"]); // GeWe ret, DingTalk errcode, egg.js msg (admin.yaml overview)

export function failed(record) {
  const code = record.response.vendor_code;
  return record.response.status >= 400 || record.violations.length > 0
    || (code !== null && code !== undefined && !SUCCESS.has(code));
}

export const isAdvance = (record) => record.vendor === "chatsim" && record.operation === "clock.advanced";

export class Session extends EventTarget {
  constructor(tenant) {
    super();
    this.tenant = tenant;
    this.records = [];
    this.seenAt = new Map(); // record id -> wall time (s) the page received it live
    this.callbacks = new Map();
    this.state = null;
    this.status = "connecting";
    this.error = null;
    this.refreshing = false;
    this.dirty = false;
    this.abort = new AbortController();
  }

  start() {
    const { signal } = this.abort;
    const onState = (status, error) => this.setStatus(status, error);
    followJournal({ tenant: this.tenant }, {
      signal, onState, onRecords: (records, backlog) => this.addRecords(records, backlog),
    });
    followCallbacks(this.tenant, { signal, onState, onCallbacks: () => this.refresh() });
    this.refresh();
  }

  stop() {
    this.abort.abort();
  }

  setStatus(status, error = null) {
    this.status = status;
    this.error = error;
    this.dispatchEvent(new Event("status"));
  }

  addRecords(records, backlog) {
    const now = Date.now() / 1000;
    for (const record of records) if (!backlog) this.seenAt.set(record.id, now);
    this.records.push(...records);
    this.dispatchEvent(new CustomEvent("records", { detail: records }));
    if (!backlog) this.refresh();
  }

  clearRecords() {
    this.records = [];
    this.seenAt.clear();
    this.callbacks.clear();
    this.dispatchEvent(new CustomEvent("records", { detail: [] }));
  }

  // Fetch the world and the callbacks; calls made while one is in flight fold into one more.
  async refresh() {
    if (this.refreshing) { this.dirty = true; return; }
    this.refreshing = true;
    try {
      do {
        this.dirty = false;
        const [state, callbacks] = await Promise.all([
          ok("GET", tenantPath(this.tenant, "/state"), { signal: this.abort.signal }),
          ok("GET", tenantPath(this.tenant, "/callbacks"), { signal: this.abort.signal }),
        ]);
        this.state = state;
        this.offset = state.clock.now - Date.now() / 1000;
        this.callbacks = new Map(callbacks.callbacks.map((callback) => [callback.id, callback]));
        this.dispatchEvent(new Event("change"));
      } while (this.dirty && !this.abort.signal.aborted);
    } catch (error) {
      if (!this.abort.signal.aborted) this.setStatus("down", error);
    } finally {
      this.refreshing = false;
    }
  }

  // A record's wall time: its virtual time less the clock's offset as it was then (the advances
  // journaled after it are added back); a frozen clock says nothing of the wall, so the time the
  // page saw the record is shown instead (none for records that were there before it looked).
  wallOf(record) {
    const clock = this.state && this.state.clock;
    if (!clock || clock.frozen) return this.seenAt.get(record.id) ?? null;
    let offset = this.offset;
    for (const other of this.records) if (other.id > record.id && isAdvance(other)) offset -= other.response.body.seconds;
    return record.time - offset;
  }

  callbacksOf(recordId) {
    return [...this.callbacks.values()].filter((callback) => callback.caused_by === recordId);
  }
}
