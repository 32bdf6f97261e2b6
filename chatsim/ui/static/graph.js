// The GeWe friend graph as SVG: accounts (the wxids logged in on devices), people and chatrooms;
// edges for friendship (both ways, or one way when only one side keeps the contact), chatroom
// membership and pending friend requests. The layout is a small force simulation of our own,
// seeded from the node ids and started from the places nodes had before, so the picture stays
// put while it changes.

import { h } from "./dom.js";

const WIDTH = 760;
const HEIGHT = 460;
const places = new Map(); // node id -> {x, y}, kept across redraws

export function graphModel(gewe) {
  const accounts = new Set(gewe.devices.map((d) => d.wxid).filter(Boolean));
  const nodes = new Map();
  for (const person of gewe.people) {
    nodes.set(person.wxid, { id: person.wxid, kind: accounts.has(person.wxid) ? "account" : "person", label: person.nickname || person.wxid });
  }
  for (const room of gewe.chatrooms) nodes.set(room.id, { id: room.id, kind: "chatroom", label: room.name || room.id });
  const edges = [];
  const contacts = gewe.contacts || {};
  const keeps = (a, b) => (contacts[a] || []).some((c) => c.wxid === b);
  for (const [owner, list] of Object.entries(contacts)) {
    for (const contact of list) {
      const both = keeps(contact.wxid, owner);
      if (both && owner > contact.wxid) continue; // one line per friendship
      edges.push({ from: owner, to: contact.wxid, kind: both ? "friend" : "one-way" });
    }
  }
  for (const room of gewe.chatrooms) for (const member of Object.keys(room.members)) edges.push({ from: member, to: room.id, kind: "member" });
  for (const request of gewe.friend_requests || []) {
    if (request.status === "pending") edges.push({ from: request.sender, to: request.receiver, kind: "request" });
  }
  for (const edge of edges) {
    for (const id of [edge.from, edge.to]) if (!nodes.has(id)) nodes.set(id, { id, kind: "person", label: id });
  }
  return { nodes: [...nodes.values()], edges };
}

function seed(id) {
  let hash = 2166136261;
  for (const ch of id) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619);
  return (hash >>> 0) / 4294967296;
}

// Repulsion between every pair, springs along edges, a pull to the centre; fixed steps, so the
// same world draws the same picture.
export function layout(nodes, edges, steps = 220) {
  const at = new Map(nodes.map((n) => {
    const old = places.get(n.id);
    const angle = seed(n.id) * 2 * Math.PI;
    return [n.id, old ? { ...old } : { x: WIDTH / 2 + Math.cos(angle) * 160, y: HEIGHT / 2 + Math.sin(angle) * 140 }];
  }));
  const list = [...at.values()];
  for (let step = 0; step < steps; step++) {
    const heat = 1 - step / steps;
    const force = list.map(() => ({ x: 0, y: 0 }));
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const dx = list[i].x - list[j].x;
        const dy = list[i].y - list[j].y;
        const d2 = Math.max(dx * dx + dy * dy, 25);
        const push = 9000 / d2;
        force[i].x += dx * push / Math.sqrt(d2); force[i].y += dy * push / Math.sqrt(d2);
        force[j].x -= dx * push / Math.sqrt(d2); force[j].y -= dy * push / Math.sqrt(d2);
      }
    }
    const index = new Map([...at.keys()].map((id, i) => [id, i]));
    for (const edge of edges) {
      const a = index.get(edge.from);
      const b = index.get(edge.to);
      const dx = list[b].x - list[a].x;
      const dy = list[b].y - list[a].y;
      const pull = (Math.sqrt(dx * dx + dy * dy) - 110) * 0.03;
      force[a].x += dx * pull / 10; force[a].y += dy * pull / 10;
      force[b].x -= dx * pull / 10; force[b].y -= dy * pull / 10;
    }
    list.forEach((p, i) => {
      force[i].x += (WIDTH / 2 - p.x) * 0.01; force[i].y += (HEIGHT / 2 - p.y) * 0.01;
      const cap = 12 * heat + 0.5;
      p.x = Math.min(WIDTH - 40, Math.max(40, p.x + Math.max(-cap, Math.min(cap, force[i].x))));
      p.y = Math.min(HEIGHT - 24, Math.max(24, p.y + Math.max(-cap, Math.min(cap, force[i].y))));
    });
  }
  for (const [id, p] of at) places.set(id, p);
  return at;
}

export function friendGraph(gewe) {
  const { nodes, edges } = graphModel(gewe);
  const at = layout(nodes, edges);
  return h("svg:svg", { class: "graph", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": "GeWe friend graph" },
    h("svg:defs", {}, h("svg:marker", { id: "arrow", viewBox: "0 0 10 10", refX: 18, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" },
      h("svg:path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }))),
    edges.map((e) => {
      const a = at.get(e.from);
      const b = at.get(e.to);
      return h("svg:line", { class: `edge ${e.kind}`, x1: a.x, y1: a.y, x2: b.x, y2: b.y, "data-edge": `${e.from}|${e.to}`,
        "marker-end": e.kind === "friend" || e.kind === "member" ? null : "url(#arrow)" }, h("svg:title", {}, `${e.from} → ${e.to} (${e.kind})`));
    }),
    nodes.map((n) => {
      const p = at.get(n.id);
      const shape = n.kind === "chatroom"
        ? h("svg:rect", { x: p.x - 9, y: p.y - 9, width: 18, height: 18, rx: 3 })
        : h("svg:circle", { cx: p.x, cy: p.y, r: n.kind === "account" ? 12 : 8 });
      return h("svg:g", { class: `node ${n.kind}`, "data-node": n.id }, shape,
        h("svg:text", { x: p.x, y: p.y + (n.kind === "account" ? 26 : 21), "text-anchor": "middle" }, n.label),
        h("svg:title", {}, `${n.label} (${n.id})`));
    }),
    legend());
}

function legend() {
  const items = [["friend", "friends"], ["one-way", "one-way contact"], ["request", "pending request"], ["member", "chatroom member"]];
  return h("svg:g", { class: "legend" }, items.map(([kind, text], i) => h("svg:g", {},
    h("svg:line", { class: `key ${kind}`, x1: 10, y1: 14 + i * 16, x2: 34, y2: 14 + i * 16 }),
    h("svg:text", { x: 40, y: 18 + i * 16 }, text))));
}
