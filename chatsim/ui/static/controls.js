// What a person can do to a tenant: advance its clock, load a scenario (pasted, or a file under
// scenarios/) with the schema errors shown where they were typed, and the world actions.

import { call, ok, tenantPath } from "./api.js";
import { duration, h, pretty, replace, virtualTime } from "./dom.js";
import { actionForm, worldActions } from "./forms.js";

const STEPS = [["+1 min", 60], ["+1 h", 3600], ["+2 h 1 s", 7201], ["+1 day", 86400]];

export function controlsView(container, session) {
  const now = h("p", { class: "clock-now" });
  const seconds = h("input", { type: "number", name: "seconds", min: 0, step: "any", placeholder: "seconds", "aria-label": "seconds" });
  const clockResult = h("p", { class: "message", role: "status" });
  const scenarioText = h("textarea", { name: "yaml", rows: 10, placeholder: "chatsim: 1\nname: mine\ngewe:\n  people: []", "aria-label": "scenario YAML" });
  const scenarioFile = h("select", { name: "file", "aria-label": "scenario file" }, h("option", { value: "" }, "(paste YAML instead)"));
  const merge = h("input", { type: "checkbox", name: "merge" });
  const scenarioResult = h("pre", { class: "result", role: "status" });
  const actions = h("div", { class: "actions" });
  const suggestions = h("div", { hidden: true });

  async function advance(by) {
    const answer = await call("POST", tenantPath(session.tenant, "/clock/advance"), { json: { seconds: by } });
    clockResult.textContent = answer.status === 200 ? `now ${virtualTime(answer.body.now)} (+${duration(by)})` : answer.body.error;
    clockResult.className = answer.status === 200 ? "message" : "message error";
    session.refresh();
  }

  async function load(event) {
    event.preventDefault();
    const file = scenarioFile.value;
    const answer = await call("PUT", tenantPath(session.tenant, "/scenario"), {
      query: { file: file || undefined, merge: merge.checked ? "true" : undefined },
      text: file ? undefined : scenarioText.value, type: "application/yaml",
    });
    scenarioResult.className = answer.status === 200 ? "result ok" : "result error";
    scenarioResult.textContent = answer.status === 200 ? `loaded ${answer.body.loaded}` : answer.body.error || pretty(answer.body);
    if (answer.status === 200) session.clearRecords();
    session.refresh();
  }

  replace(container, h("div", { class: "controls" },
    h("section", { class: "card" }, h("h2", {}, "Clock"), now,
      h("form", { class: "advance", onsubmit: (e) => { e.preventDefault(); advance(Number(seconds.value)); } },
        seconds, h("button", { type: "submit" }, "Advance"),
        STEPS.map(([label, by]) => h("button", { type: "button", class: "step", dataset: { seconds: by }, onclick: () => advance(by) }, label))),
      clockResult),
    h("section", { class: "card" }, h("h2", {}, "Load a scenario"),
      h("form", { class: "scenario", onsubmit: load }, scenarioFile, scenarioText,
        h("label", {}, merge, " merge with the tenant's scenarios"), h("button", { type: "submit" }, "Load")),
      scenarioResult),
    h("section", { class: "card" }, h("h2", {}, "World actions"), h("p", {}, "Generated from the admin API's document (/_chatsim/openapi.json)."),
      suggestions, actions)));

  function drawClock() {
    if (!session.state) return;
    const clock = session.state.clock;
    now.textContent = `virtual now ${virtualTime(clock.now)}${clock.frozen ? " (frozen)" : ""} · offset ${duration(session.offset)}`;
    const gewe = session.state.vendors.gewe;
    if (!gewe) return;
    const lists = { appId: gewe.devices.map((d) => d.app_id), fromWxid: gewe.people.map((p) => p.wxid), wxid: gewe.people.map((p) => p.wxid) };
    replace(suggestions, Object.entries(lists).map(([name, values]) => h("datalist", { id: `suggest-${name}` }, values.map((v) => h("option", { value: v })))));
  }

  ok("GET", "/_chatsim/scenarios").then((found) => found.scenarios.forEach((name) => scenarioFile.append(h("option", { value: name }, name))));
  ok("GET", "/_chatsim/openapi.json").then((doc) => {
    const byVendor = new Map();
    for (const action of worldActions(doc)) {
      const vendor = action.id.split(".")[0];
      byVendor.set(vendor, [...(byVendor.get(vendor) || []), action]);
    }
    const names = { appId: true, fromWxid: true, wxid: true };
    replace(actions, [...byVendor].map(([vendor, list]) => h("details", { open: vendor === "gewe", class: "vendor-actions" },
      h("summary", {}, vendor),
      list.map((action) => actionForm(action, session.tenant, names, () => session.refresh())))));
  });
  session.addEventListener("change", drawClock);
  drawClock();
  return () => session.removeEventListener("change", drawClock);
}
