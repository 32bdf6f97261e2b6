// The tenant's world as the admin API dumps it (GET .../state), a pane per vendor, drawn anew on
// every change. Messages and faults have panes of their own, filled from any vendor that dumps a
// "messages" or "faults" section (those arrive with later issues).

import { duration, empty, h, pretty, table, virtualTime } from "./dom.js";
import { friendGraph } from "./graph.js";

export const PANES = [["gewe", "GeWe"], ["dingtalk", "DingTalk"], ["eggjs_im", "egg.js IM"], ["messages", "Messages"], ["faults", "Faults"]];

export function worldPane(pane, state) {
  const vendors = state.vendors || {};
  const now = state.clock.now;
  if (pane === "gewe") return vendors.gewe ? gewePane(vendors.gewe, now) : empty("No GeWe world.");
  if (pane === "dingtalk") return vendors.dingtalk ? dingtalkPane(vendors.dingtalk, now) : empty("No DingTalk world.");
  if (pane === "eggjs_im") return vendors.eggjs_im ? eggPane(vendors.eggjs_im) : empty("No egg.js world.");
  return sectionPane(vendors, pane);
}

const yes = (flag) => (flag ? "✓" : "");
const card = (title, ...children) => h("section", { class: "card" }, h("h3", {}, title), ...children);
const chips = (items) => items.map((item) => h("span", { class: "chip" }, item));

function gewePane(gewe, now) {
  const names = new Map(gewe.people.map((p) => [p.wxid, p.nickname || p.wxid]));
  const name = (wxid) => (names.has(wxid) ? `${names.get(wxid)} (${wxid})` : wxid);
  const accounts = gewe.devices;
  return h("div", { class: "world gewe" },
    card("Friend graph", friendGraph(gewe)),
    card("Accounts", accounts.length ? table([
      ["appId", (d) => d.app_id], ["account", (d) => (d.wxid ? name(d.wxid) : "(not logged in)")],
      ["state", (d) => h("span", { class: d.online ? "status status-online" : "status status-offline" },
        d.online ? "online" : `offline${d.offline_reason ? ` (${d.offline_reason})` : ""}`)],
      ["online for", (d) => (d.online && d.online_since ? duration(now - d.online_since) : "—")],
    ], accounts) : empty("No device.")),
    card("Contacts", accounts.filter((d) => d.wxid).map((d) => h("div", { class: "contacts" },
      h("h4", {}, name(d.wxid)),
      (gewe.contacts[d.wxid] || []).length ? table([
        ["contact", (c) => name(c.wxid)], ["remark", (c) => c.remark || ""], ["onlyChat", (c) => yes(c.only_chat)],
        ["scene", (c) => c.scene], ["since", (c) => virtualTime(c.since)],
      ], gewe.contacts[d.wxid]) : empty("No contact.")))),
    card("Friend requests", (gewe.friend_requests || []).length ? table([
      ["#", (r) => r.id], ["from", (r) => name(r.sender)], ["to", (r) => name(r.receiver)],
      ["state", (r) => h("span", { class: `status status-${r.status}` }, r.status)], ["scene", (r) => r.scene],
      ["greeting", (r) => r.content], ["ticket (v4)", (r) => h("code", { class: "ticket", title: r.ticket || "" }, r.ticket || "—")],
      ["expires", (r) => (r.expires_at ? `${virtualTime(r.expires_at)} (${duration(r.expires_at - now)})` : "—")],
    ], gewe.friend_requests, (r) => ({ dataset: { request: r.id } })) : empty("No friend request.")),
    card("Chatrooms", gewe.chatrooms.length ? gewe.chatrooms.map((room) => h("div", { class: "chatroom" },
      h("h4", {}, `${room.name} `, h("code", {}, room.id)),
      h("p", {}, "owner ", name(room.owner), room.admins.length ? ` · admins ${room.admins.map(name).join(", ")}` : ""),
      h("p", {}, chips(Object.values(room.members).map((m) => `${names.get(m.wxid) || m.wxid}${m.display_name ? ` “${m.display_name}”` : ""}`)))))
      : empty("No chatroom.")));
}

function dingtalkPane(ding, now) {
  const users = new Map(ding.orgs.flatMap((org) => org.users.map((u) => [u.userid, u.name])));
  const user = (id) => (users.has(id) ? `${users.get(id)} (${id})` : id);
  return h("div", { class: "world dingtalk" },
    card("Organisations", ding.orgs.map((org) => h("div", { class: "org" },
      h("h4", {}, `${org.name} `, h("code", {}, org.corpId)),
      h("p", {}, "users ", chips(org.users.map((u) => `${u.name} (${u.userid})`))),
      table([["app", (a) => a.name], ["appkey", (a) => h("code", {}, a.appkey)], ["permissions", (a) => chips(a.permissions)]], org.apps)))),
    card("Access tokens", ding.tokens.length ? table([
      ["appkey", (t) => t.appkey], ["token", (t) => h("code", {}, t.access_token)],
      ["expires (virtual)", (t) => virtualTime(t.expires_at)],
      ["state", (t) => {
        const expired = t.expired || t.expires_at <= now;
        return h("span", { class: expired ? "status status-expired" : "status status-valid" },
          expired ? "expired" : `valid for ${duration(t.expires_at - now)}`);
      }],
    ], ding.tokens, (t) => ({ dataset: { token: t.access_token } })) : empty("No token issued yet (GET /gettoken issues one).")),
    card("Chats", ding.chats.length ? table([
      ["chat", (c) => h("span", {}, c.name, " ", h("code", {}, c.chatid))], ["owner", (c) => user(c.owner)],
      ["members", (c) => chips(c.useridlist.map(user))],
      ["friend switch", (c) => h("span", { class: c.is_prohibit ? "status status-expired" : "status status-valid" },
        c.is_prohibit ? "friending forbidden" : "friending allowed")],
      ["status", (c) => (c.status === 2 ? "dissolved" : "normal")],
    ], ding.chats) : empty("No chat.")));
}

function eggPane(egg) {
  const users = new Map(egg.user.map((u) => [u.id, u]));
  const info = new Map(egg.user_info.map((i) => [i.user_id, i]));
  const who = (id) => (users.has(id) ? `${users.get(id).nickname || users.get(id).username} (${users.get(id).username})` : `#${id}`);
  const byStatus = new Map();
  for (const apply of egg.goodfriendapply) byStatus.set(apply.status, [...(byStatus.get(apply.status) || []), apply]);
  return h("div", { class: "world eggjs" },
    card("Users", table([
      ["id", (u) => u.id], ["username", (u) => u.username], ["nickname", (u) => u.nickname],
      ["gender", (u) => info.get(u.id)?.gender ?? ""], ["bio", (u) => info.get(u.id)?.bio ?? ""],
      ["status", (u) => (u.is_deleted ? "deleted" : u.status === 1 ? "active" : "disabled")],
    ], egg.user)),
    card("Friendships", egg.goodfriend.length ? table([
      ["user", (f) => who(f.user_id)], ["friend", (f) => who(f.friend_id)], ["remark", (f) => f.nickname],
      ["star", (f) => (f.ismystarfriend ? "★" : "")], ["black", (f) => yes(f.isblack)],
      ["friend sees my moments", (f) => yes(f.friendlookme)], ["I see theirs", (f) => yes(f.melookfriend)],
    ], egg.goodfriend) : empty("No friendship.")),
    card("Friend applications", byStatus.size ? [...byStatus].map(([status, list]) => h("div", {},
      h("h4", {}, h("span", { class: `status status-${status}` }, status), ` (${list.length})`),
      table([["from", (a) => who(a.user_id)], ["to", (a) => who(a.friend_id)], ["greeting / remark", (a) => a.nickname],
        ["created", (a) => a.create_time]], list))) : empty("No application.")));
}

function sectionPane(vendors, section) {
  const found = Object.entries(vendors).filter(([, world]) => world && world[section] !== undefined);
  if (!found.length) {
    return h("div", { class: "world" }, card(section === "messages" ? "Messages" : "Faults",
      empty(`No vendor keeps ${section} yet: this pane shows them once a vendor's world dumps a "${section}" section.`)));
  }
  return h("div", { class: "world" }, found.map(([vendor, world]) => card(vendor, h("pre", { class: "json" }, pretty(world[section])))));
}
