// One journal record in full: the request with the fields its violations name highlighted (and
// the required ones it lacks added in place), the answer, and the callbacks it caused with every
// delivery attempt and a button to redeliver.

import { ok, tenantPath } from "./api.js";
import { empty, h, pretty, table, virtualTime, wallTime } from "./dom.js";

export function detailPane(record, session) {
  const req = record.request;
  const res = record.response;
  const query = req.query ? `?${req.query}` : "";
  return h("div", { class: "record", dataset: { id: record.id } },
    h("h2", {}, `#${record.id} ${req.method} ${req.path}${query}`),
    h("p", { class: "meta" }, `${record.vendor} · ${record.operation} · HTTP ${res.status} · code ${res.vendor_code ?? "—"} · `
      + `${record.duration_ms.toFixed(1)} ms · virtual ${virtualTime(record.time)} · wall ${wallTime(session.wallOf(record))}`),
    record.violations.length ? violationList(record.violations) : null,
    h("h3", {}, "Request"),
    queryTable(req.query, record.violations),
    jsonBlock(req.body, record.violations, "request-body"),
    h("h3", {}, "Response"),
    jsonBlock(res.body, [], "response-body"),
    record.response_check && record.response_check.length
      ? h("ul", { class: "violations" }, record.response_check.map((p) => h("li", {}, p))) : null,
    h("h3", {}, "Callbacks caused"),
    callbacks(record, session));
}

function violationList(violations) {
  return h("ul", { class: "violations" }, violations.map((v) => h("li", { class: "violation" },
    h("code", {}, v.field), ` (${v.in || "?"}) breaks `, h("b", {}, v.rule),
    v.expected !== undefined ? ` — expected ${pretty(v.expected)}` : "",
    v.got !== undefined ? `, got ${pretty(v.got)}` : "")));
}

const named = (violations, where) => new Set(violations.filter((v) => !where || v.in === where).map((v) => v.field));

function queryTable(queryString, violations) {
  if (!queryString) return null;
  const bad = named(violations, "query");
  const rows = [...new URLSearchParams(queryString)];
  return h("table", { class: "query" }, h("tbody", {}, rows.map(([key, value]) =>
    h("tr", { class: bad.has(key) ? "bad" : "" }, h("td", {}, key), h("td", {}, value)))));
}

// Pretty JSON as one line per value, so that a line can carry the violation of its field (a
// field's name or dotted path); required fields that are missing are shown where they belong.
function jsonBlock(body, violations, name) {
  if (body === null || body === undefined || body === "") return h("pre", { class: `json ${name}` }, "(no body)");
  if (typeof body !== "object") return h("pre", { class: `json ${name}` }, String(body));
  const fields = new Map(violations.filter((v) => v.in !== "query" && v.in !== "header").map((v) => [v.field, v]));
  const lines = [];
  walk(body, "", 0, null, fields, lines, true);
  const present = new Set(lines.map((line) => line.path));
  for (const [field, v] of fields) {
    if (!present.has(field) && field !== "body") lines.splice(lines.length - 1, 0, { text: `  "${field}": (missing)`, violation: v, path: field });
  }
  if (fields.has("body")) lines[0].violation = fields.get("body");
  return h("pre", { class: `json ${name}` }, lines.map((line) => h("span", {
    class: line.violation ? "line bad" : "line", title: line.violation ? `${line.violation.rule}` : null,
  }, line.text)));
}

function walk(value, path, depth, key, fields, lines, last) {
  const indent = "  ".repeat(depth);
  const label = key === null ? "" : `${JSON.stringify(key)}: `;
  const comma = last ? "" : ",";
  const violation = fields.get(path) || (key !== null && fields.get(String(key))) || null;
  if (value && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    if (!entries.length) { lines.push({ text: `${indent}${label}${open}${close}${comma}`, violation, path }); return; }
    lines.push({ text: `${indent}${label}${open}`, violation, path });
    entries.forEach(([k, v], i) => walk(v, path ? `${path}.${k}` : String(k), depth + 1, Array.isArray(value) ? null : k,
      fields, lines, i === entries.length - 1));
    lines.push({ text: `${indent}${close}${comma}`, violation: null, path: `${path}#end` });
    return;
  }
  lines.push({ text: `${indent}${label}${JSON.stringify(value)}${comma}`, violation, path });
}

function callbacks(record, session) {
  const caused = session.callbacksOf(record.id);
  if (!caused.length) return empty("None.");
  return caused.map((callback) => h("div", { class: "callback", dataset: { id: callback.id } },
    h("p", {}, h("b", {}, `#${callback.id} ${callback.kind}`), ` → ${callback.url || "(no callback URL)"} · `,
      h("span", { class: `status status-${callback.status}` }, callback.status),
      callback.status === "retrying" || callback.status === "pending"
        ? ` · next attempt ${virtualTime(callback.next_attempt_at)}` : "",
      " ", h("button", { type: "button", class: "redeliver", disabled: !callback.url, onclick: () => redeliver(session, callback) }, "Redeliver")),
    callback.attempts.length ? table([
      ["attempt", (a) => a.attempt], ["virtual time", (a) => virtualTime(a.time)],
      ["status", (a) => a.status ?? "—"], ["latency", (a) => `${a.latency_ms} ms`], ["error", (a) => a.error || ""],
    ], callback.attempts, (a) => ({ class: a.error || !(a.status >= 200 && a.status < 300) ? "error" : "" }))
      : empty(`No attempt yet${callback.url ? "" : ": the account has no callback URL"}.`),
    h("details", {}, h("summary", {}, "payload"), h("pre", { class: "json" }, pretty(callback.payload)))));
}

async function redeliver(session, callback) {
  try {
    await ok("POST", tenantPath(session.tenant, `/callbacks/${callback.id}/redeliver`));
  } finally {
    session.refresh();
  }
}
