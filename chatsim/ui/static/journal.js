// The live journal of one tenant: a row per request as it is answered (newest first), filters,
// and the detail pane of the chosen record.

import { empty, h, replace, virtualTime, wallTime } from "./dom.js";
import { detailPane } from "./detail.js";
import { failed } from "./session.js";

const VENDORS = ["gewe", "dingtalk", "eggjs_im", "chatsim"];

export function journalView(container, session, selected) {
  const vendor = h("select", { name: "vendor", "aria-label": "vendor" },
    h("option", { value: "" }, "all vendors"), VENDORS.map((v) => h("option", { value: v }, v)));
  const operation = h("select", { name: "operation", "aria-label": "operation" }, h("option", { value: "" }, "all operations"));
  const errorsOnly = h("input", { type: "checkbox", name: "errors" });
  const text = h("input", { type: "search", name: "text", placeholder: "text in the request or answer" });
  const counter = h("span", { class: "counter" });
  const rows = h("tbody");
  const detail = h("div", { class: "detail" });
  let chosen = selected ? Number(selected) : null;

  const filters = h("form", { class: "filters", onsubmit: (e) => e.preventDefault() },
    vendor, operation, h("label", {}, errorsOnly, " errors only"), text, counter);
  for (const input of [vendor, operation, errorsOnly]) input.addEventListener("change", draw);
  text.addEventListener("input", draw);

  replace(container, h("div", { class: "split" },
    h("section", { class: "card journal" }, h("h2", {}, "Journal"), filters,
      h("table", { class: "records" },
        h("thead", {}, h("tr", {}, ["#", "wall", "virtual", "vendor", "operation", "status", "code", "ms"].map((t) => h("th", {}, t)))),
        rows)),
    h("section", { class: "card" }, detail)));

  function matches(record) {
    if (vendor.value && record.vendor !== vendor.value) return false;
    if (operation.value && record.operation !== operation.value) return false;
    if (errorsOnly.checked && !failed(record)) return false;
    const needle = text.value.trim().toLowerCase();
    return !needle || JSON.stringify(record).toLowerCase().includes(needle);
  }

  function row(record) {
    const code = record.response.vendor_code;
    return h("tr", {
      class: [failed(record) ? "error" : "", record.id === chosen ? "chosen" : ""].join(" ").trim(),
      dataset: { id: record.id, operation: record.operation },
      onclick: () => { chosen = record.id; history.replaceState(null, "", `#/t/${encodeURIComponent(session.tenant)}/journal/${record.id}`); draw(); },
    },
    h("td", {}, record.id), h("td", {}, wallTime(session.wallOf(record))), h("td", {}, virtualTime(record.time)),
    h("td", {}, h("span", { class: `chip vendor-${record.vendor}` }, record.vendor)),
    h("td", {}, record.operation, record.violations.length ? h("span", { class: "flag", title: "violations" }, " ⚠") : ""),
    h("td", {}, record.response.status), h("td", {}, code === null || code === undefined ? "—" : String(code)),
    h("td", { class: "num" }, record.duration_ms.toFixed(1)));
  }

  function syncOperations() {
    const known = new Set([...operation.options].map((o) => o.value));
    for (const record of session.records) {
      if (!known.has(record.operation)) { known.add(record.operation); operation.append(h("option", { value: record.operation }, record.operation)); }
    }
  }

  function draw() {
    syncOperations();
    const shown = session.records.filter(matches).reverse();
    counter.textContent = `${shown.length} of ${session.records.length}`;
    replace(rows, shown.length ? shown.map(row) : h("tr", {}, h("td", { colSpan: 8 }, empty("No record matches yet."))));
    const record = session.records.find((r) => r.id === chosen);
    replace(detail, record ? detailPane(record, session) : empty("Choose a record to see its bodies, violations and callbacks."));
  }

  session.addEventListener("records", draw);
  session.addEventListener("change", draw);
  draw();
  return () => { session.removeEventListener("records", draw); session.removeEventListener("change", draw); };
}
