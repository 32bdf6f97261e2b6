// The world actions as forms, generated from the admin API's own document (GET
// /_chatsim/openapi.json): every operation named <vendor>.<action>, with a field per path
// parameter, query parameter and body property, typed by its schema.

import { call } from "./api.js";
import { h, pretty } from "./dom.js";

export function resolve(node, doc) {
  if (node && node.$ref) return resolve(node.$ref.slice(2).split("/").reduce((at, key) => at[key], doc), doc);
  return node;
}

export function worldActions(doc) {
  const actions = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = item.parameters || [];
    for (const [method, op] of Object.entries(item)) {
      if (method === "parameters" || !op.operationId || !op.operationId.includes(".")) continue;
      const params = [...shared, ...(op.parameters || [])].map((p) => resolve(p, doc)).filter((p) => p.name !== "tenant");
      const body = resolve(op.requestBody?.content?.["application/json"]?.schema, doc);
      actions.push({ id: op.operationId, method: method.toUpperCase(), path, summary: op.summary || "", params, body,
        bodyRequired: Boolean(op.requestBody?.required) });
    }
  }
  return actions;
}

function input(name, schema, required, suggestions) {
  const common = { name, required, "aria-label": name };
  if (schema.enum) return h("select", common, required ? null : h("option", { value: "" }, "—"), schema.enum.map((v) => h("option", { value: v, selected: v === schema.default }, v)));
  if (schema.type === "boolean") return h("input", { ...common, type: "checkbox", checked: schema.default === true, required: false });
  const numeric = schema.type === "integer" || schema.type === "number";
  const list = suggestions[name] ? `suggest-${name}` : null;
  return h("input", { ...common, type: numeric ? "number" : "text", step: schema.type === "number" ? "any" : null,
    placeholder: schema.default !== undefined ? String(schema.default) : schema.description || "", list });
}

function value(field, schema) {
  if (schema.type === "boolean") return field.checked;
  if (field.value === "") return undefined;
  return schema.type === "integer" || schema.type === "number" ? Number(field.value) : field.value;
}

// suggestions: field name -> known values (appIds, wxids) offered as a datalist.
export function actionForm(action, tenant, suggestions, done) {
  const result = h("pre", { class: "result json" });
  const props = action.body?.properties || {};
  const required = new Set(action.body?.required || []);
  const fields = [
    ...action.params.map((p) => ({ name: p.name, where: p.in, schema: p.schema || {}, required: Boolean(p.required), description: p.description })),
    ...Object.entries(props).map(([name, schema]) => ({ name, where: "body", schema, required: required.has(name), description: schema.description })),
  ];
  const form = h("form", { class: "action", dataset: { operation: action.id }, onsubmit: submit },
    h("h4", {}, h("code", {}, `${action.method} ${action.path.replace("/_chatsim/tenants/{tenant}", "")}`), " ", action.summary),
    fields.map((f) => h("label", {}, h("span", {}, f.name, f.required ? " *" : "", f.where !== "body" ? ` (${f.where})` : ""),
      input(f.name, f.schema, f.required, suggestions), f.description ? h("small", {}, f.description) : null)),
    h("button", { type: "submit" }, action.method === "GET" ? "Look" : "Do it"), result);

  async function submit(event) {
    event.preventDefault();
    let path = action.path.replace("{tenant}", encodeURIComponent(tenant));
    const query = {};
    const body = {};
    for (const f of fields) {
      const v = value(form.elements[f.name], f.schema);
      if (v === undefined) continue;
      if (f.where === "path") path = path.replace(`{${f.name}}`, encodeURIComponent(v));
      else if (f.where === "query") query[f.name] = v;
      else body[f.name] = v;
    }
    const sendBody = action.body && (action.bodyRequired || Object.keys(body).length);
    const answer = await call(action.method, path, { query, json: sendBody ? body : undefined });
    result.className = `result json ${answer.status < 300 ? "ok" : "error"}`;
    result.textContent = `${answer.status}\n${pretty(answer.body)}`;
    done();
  }
  return form;
}
