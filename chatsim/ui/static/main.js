// The page: a hash route per view (#/ the tenants, #/t/NAME/journal[/ID], /world[/PANE],
// /timeline, /controls), one Session per tenant shown, and the admin token asked for when a call
// answers 401.

import { onUnauthorized, setToken, token } from "./api.js";
import { empty, h, replace } from "./dom.js";
import { controlsView } from "./controls.js";
import { journalView } from "./journal.js";
import { overviewView } from "./overview.js";
import { Session } from "./session.js";
import { timelineView } from "./timeline.js";
import { PANES, worldPane } from "./world.js";

const VIEWS = [["journal", "Journal"], ["world", "World"], ["timeline", "Timeline"], ["controls", "Controls"]];
const main = document.querySelector("main");
const nav = document.querySelector("nav.views");
const live = document.querySelector(".live");
let session = null;
let cleanup = () => {};

function setStatus(status, error) {
  live.textContent = status === "live" ? "● live" : status === "down" ? `○ disconnected${error ? `: ${error.message}` : ""}` : "…";
  live.className = `live ${status}`;
}

function route() {
  const [, scope, name, view = "journal", extra] = location.hash.split("/").map(decodeURIComponent);
  cleanup();
  if (scope !== "t" || !name) {
    if (session) { session.stop(); session = null; }
    replace(nav, h("a", { href: "#/", class: "current" }, "Tenants"));
    document.title = "chatsim · tenants";
    cleanup = overviewView(main, { setStatus });
    return;
  }
  if (!session || session.tenant !== name) {
    if (session) session.stop();
    session = new Session(name);
    session.addEventListener("status", () => setStatus(session.status, session.error));
    session.start();
  }
  document.title = `chatsim · ${name} · ${view}`;
  replace(nav, h("a", { href: "#/" }, "Tenants"), h("span", { class: "tenant" }, name),
    VIEWS.map(([key, label]) => h("a", { href: `#/t/${encodeURIComponent(name)}/${key}`, class: key === view ? "current" : "" }, label)));
  if (view === "world") cleanup = worldView(main, session, extra || "gewe");
  else if (view === "timeline") cleanup = redrawing(main, session, () => [h("h2", {}, "Timeline (virtual clock)"), timelineView(session)]);
  else if (view === "controls") cleanup = controlsView(main, session);
  else cleanup = journalView(main, session, extra);
}

function worldView(container, current, pane) {
  const tabs = h("nav", { class: "panes" }, PANES.map(([key, label]) =>
    h("a", { href: `#/t/${encodeURIComponent(current.tenant)}/world/${key}`, class: key === pane ? "current" : "" }, label)));
  return redrawing(container, current, () => [tabs, current.state ? worldPane(pane, current.state) : empty("Loading the world…")]);
}

// A view drawn anew from the session whenever its world or records change.
function redrawing(container, current, draw) {
  const body = h("section", { class: "card" });
  replace(container, body);
  const redraw = () => replace(body, draw());
  current.addEventListener("change", redraw);
  current.addEventListener("records", redraw);
  redraw();
  return () => { current.removeEventListener("change", redraw); current.removeEventListener("records", redraw); };
}

function askToken() {
  const dialog = document.querySelector("dialog.token");
  if (dialog.open) return;
  const field = dialog.querySelector("input");
  field.value = token();
  dialog.showModal();
}

document.querySelector("dialog.token form").addEventListener("submit", () => {
  setToken(document.querySelector("dialog.token input").value.trim());
  if (session) { session.stop(); session = null; }
  route();
});
document.querySelector("button.token").addEventListener("click", askToken);
onUnauthorized(askToken);
window.addEventListener("hashchange", route);
route();
