// Live reads of the admin API's long polls: the journal (GET /_chatsim/journal?after=&wait=) and a
// tenant's callbacks (GET .../callbacks?after=&wait=). Each loop asks again as soon as an answer
// arrives, so a record reaches the page as soon as the server writes it; there is no timer. When no
// page waits, the server wakes nobody (chatsim/longpoll.py), so the stream costs requests nothing.

import { ok, tenantPath } from "./api.js";

const WAIT = 25; // seconds of one long poll; the server allows up to 120

// Calls onRecords(records) with the newest `backlog` matching records, then with each new batch,
// until signal aborts; onState("live" | "down", error) says whether it is connected.
export async function followJournal(filters, { backlog = 500, signal, onRecords, onState }) {
  let after = 0;
  try {
    const first = await ok("GET", "/_chatsim/journal", { query: { ...filters, limit: backlog }, signal });
    if (first.records.length) after = first.records[first.records.length - 1].id;
    else after = (await ok("GET", "/_chatsim/overview", { signal })).journal_last_id;
    onState("live");
    onRecords(first.records, true);
    await loop(signal, async () => {
      const next = await ok("GET", "/_chatsim/journal", { query: { ...filters, after, wait: WAIT }, signal });
      if (next.records.length) {
        after = next.records[next.records.length - 1].id;
        onRecords(next.records, false);
      }
    });
  } catch (error) {
    if (!signal.aborted) onState("down", error);
  }
}

// Calls onCallbacks(callbacks) with the tenant's kept callbacks, then whenever a new one is emitted.
export async function followCallbacks(tenant, { signal, onCallbacks, onState }) {
  let after = 0;
  const path = tenantPath(tenant, "/callbacks");
  try {
    const first = await ok("GET", path, { signal });
    for (const callback of first.callbacks) after = Math.max(after, callback.id);
    onCallbacks(first.callbacks);
    await loop(signal, async () => {
      const next = await ok("GET", path, { query: { after, wait: WAIT }, signal });
      for (const callback of next.callbacks) after = Math.max(after, callback.id);
      if (next.callbacks.length) onCallbacks(next.callbacks);
    });
  } catch (error) {
    if (!signal.aborted) onState("down", error);
  }
}

async function loop(signal, once) {
  while (!signal.aborted) await once();
}
