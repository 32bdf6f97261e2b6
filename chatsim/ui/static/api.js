// The admin API as the dashboard calls it: same origin, no cookies, the admin token (when the
// server has one) in the X-Chatsim-Admin-Token header. The token is kept in sessionStorage, so it
// lives as long as the tab and is never sent anywhere but this server's admin API.

const TOKEN_KEY = "chatsim.adminToken";
const listeners = new Set();

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// Called with no argument when a call answers 401: the page then asks for the token.
export function onUnauthorized(listener) {
  listeners.add(listener);
}

export function url(path, query = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

// { status, body } whatever the status; throws only when the server cannot be reached (or on abort).
export async function call(method, path, { query, json, text, type, signal } = {}) {
  const headers = {};
  if (token()) headers["X-Chatsim-Admin-Token"] = token();
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (text !== undefined) {
    headers["Content-Type"] = type || "text/plain";
    body = text;
  }
  const response = await fetch(url(path, query), { method, headers, body, signal, credentials: "omit",
                                                    cache: "no-store" });
  const raw = await response.text();
  let parsed = raw;
  try { parsed = raw ? JSON.parse(raw) : null; } catch { /* not JSON: the text itself */ }
  if (response.status === 401) listeners.forEach((listener) => listener());
  return { status: response.status, body: parsed };
}

// The body of a 2xx answer, or an Error carrying the admin API's own message.
export async function ok(method, path, options) {
  const answer = await call(method, path, options);
  if (answer.status >= 200 && answer.status < 300) return answer.body;
  const message = answer.body && answer.body.error ? answer.body.error : JSON.stringify(answer.body);
  const error = new Error(`${method} ${path}: ${answer.status} ${message}`);
  error.answer = answer;
  throw error;
}

export const tenantPath = (tenant, rest = "") => `/_chatsim/tenants/${encodeURIComponent(tenant)}${rest}`;
