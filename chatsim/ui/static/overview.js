// The first view: every tenant in memory in a line, kept current by the journal's long poll (any
// new record, of any tenant, fetches the overview again), with buttons to open, reset or drop one.

import { ok, tenantPath } from "./api.js";
import { duration, empty, h, replace, table } from "./dom.js";
import { followJournal } from "./stream.js";

const FAILED = ["retrying", "dead"];

export function overviewView(container, { setStatus }) {
  const abort = new AbortController();
  const body = h("div", { class: "overview" });
  const message = h("p", { class: "message", role: "status" });
  replace(container, h("section", { class: "card" }, h("h2", {}, "Tenants"), message, body));
  let busy = false;
  let again = false;

  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      do {
        again = false;
        draw(await ok("GET", "/_chatsim/overview", { signal: abort.signal }));
      } while (again && !abort.signal.aborted);
    } catch (error) {
      if (!abort.signal.aborted) message.textContent = error.message;
    } finally {
      busy = false;
    }
  }

  async function act(label, method, path, tenant) {
    try {
      await ok(method, path);
      message.textContent = `${label} ${tenant}`;
    } catch (error) {
      message.textContent = error.message;
    }
    refresh();
  }

  function draw(overview) {
    if (!overview.tenants.length) { replace(body, empty("No tenant in memory yet: the first request makes one.")); return; }
    replace(body, table([
      ["Tenant", (t) => h("a", { href: `#/t/${encodeURIComponent(t.name)}/journal`, class: "tenant-link" }, t.name)],
      ["Vendors", (t) => t.vendors.map((v) => h("span", { class: `chip vendor-${v}` }, v))],
      ["Requests", (t) => h("span", { class: "num requests" }, t.requests)],
      ["Errors", (t) => h("span", { class: t.errors ? "num bad" : "num" }, t.errors)],
      ["Callbacks pending", (t) => h("span", { class: "num" }, t.callbacks.pending || 0)],
      ["Callbacks failed", (t) => {
        const count = FAILED.reduce((sum, status) => sum + (t.callbacks[status] || 0), 0);
        return h("span", { class: count ? "num bad" : "num" }, count);
      }],
      ["Clock offset", (t) => `${duration(t.clock.offset)}${t.clock.frozen ? " (frozen)" : ""}`],
      ["", (t) => h("span", { class: "buttons" },
        h("button", { type: "button", class: "reset", onclick: () => act("reset", "POST", tenantPath(t.name, "/reset"), t.name) }, "Reset"),
        h("button", { type: "button", class: "drop danger", onclick: () => act("dropped", "DELETE", tenantPath(t.name), t.name) }, "Drop"))],
    ], overview.tenants, (t) => ({ dataset: { tenant: t.name } })));
  }

  followJournal({}, { backlog: 1, signal: abort.signal, onState: setStatus, onRecords: () => refresh() });
  return () => abort.abort();
}
