// The tenant on its virtual clock: a lane per vendor with a mark per request, a lane of callback
// attempts, and each clock advance as a jump (a break in the axis labelled with the time skipped),
// so hours skipped in a test do not squash the seconds around them.

import { duration, empty, h, virtualTime } from "./dom.js";
import { failed, isAdvance } from "./session.js";

const WIDTH = 960;
const LEFT = 110;
const RIGHT = 20;
const LANE = 34;
const GAP = 36; // pixels a jump takes

export function timelineView(session) {
  const requests = session.records.filter((r) => !isAdvance(r) && r.vendor !== "chatsim");
  const jumps = session.records.filter(isAdvance).map((r) => ({ from: r.response.body.from, to: r.response.body.to, seconds: r.response.body.seconds }));
  const attempts = [...session.callbacks.values()].flatMap((c) => c.attempts.map((a) => ({ ...a, kind: c.kind, id: c.id })));
  const times = [...requests.map((r) => r.time), ...attempts.map((a) => a.time), ...jumps.flatMap((j) => [j.from, j.to])];
  if (!times.length) return empty("Nothing has happened in this tenant yet.");
  const axis = piecewise(Math.min(...times), Math.max(...times), jumps);
  const lanes = [...new Set(requests.map((r) => r.vendor))].sort();
  lanes.push("callbacks");
  const height = 40 + lanes.length * LANE + 30;
  const laneY = (lane) => 40 + lanes.indexOf(lane) * LANE + LANE / 2;
  return h("svg:svg", { class: "timeline", viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": "virtual timeline" },
    lanes.map((lane) => h("svg:g", { class: "lane" },
      h("svg:text", { x: 8, y: laneY(lane) + 4 }, lane),
      h("svg:line", { x1: LEFT, x2: WIDTH - RIGHT, y1: laneY(lane), y2: laneY(lane), class: "lane-line" }))),
    axis.jumps.map((j) => h("svg:g", { class: "jump" },
      h("svg:path", { d: zigzag(j.x, 30, height - 24) }),
      h("svg:text", { x: j.x + GAP / 2, y: 22, "text-anchor": "middle" }, `+${duration(j.seconds)}`),
      h("svg:title", {}, `clock advanced ${duration(j.seconds)}: ${virtualTime(j.from)} → ${virtualTime(j.to)}`))),
    requests.map((r) => h("svg:a", { href: `#/t/${encodeURIComponent(session.tenant)}/journal/${r.id}` },
      h("svg:circle", { class: `mark request vendor-${r.vendor}${failed(r) ? " error" : ""}`, cx: axis.x(r.time), cy: laneY(r.vendor), r: 5 },
        h("svg:title", {}, `#${r.id} ${r.operation} ${r.response.status} at ${virtualTime(r.time)}`)))),
    attempts.map((a) => h("svg:rect", { class: `mark attempt${a.status >= 200 && a.status < 300 ? "" : " error"}`,
      x: axis.x(a.time) - 4, y: laneY("callbacks") - 4, width: 8, height: 8 },
    h("svg:title", {}, `callback #${a.id} ${a.kind} attempt ${a.attempt}: ${a.status ?? a.error} at ${virtualTime(a.time)}`))),
    h("svg:text", { x: LEFT, y: height - 8, class: "tick" }, virtualTime(Math.min(...times))),
    h("svg:text", { x: WIDTH - RIGHT, y: height - 8, class: "tick", "text-anchor": "end" }, virtualTime(Math.max(...times))));
}

// Time -> x: the spans between jumps share the width by their length; each jump takes GAP pixels.
function piecewise(start, end, jumps) {
  const ordered = jumps.filter((j) => j.to > j.from).sort((a, b) => a.from - b.from);
  const spans = [];
  let at = start;
  for (const jump of ordered) { spans.push([at, jump.from]); at = jump.to; }
  spans.push([at, end]);
  const total = spans.reduce((sum, [a, b]) => sum + Math.max(b - a, 0), 0) || 1;
  const usable = WIDTH - LEFT - RIGHT - GAP * ordered.length;
  const starts = [];
  let x = LEFT;
  spans.forEach(([a, b], i) => { starts.push(x); x += (Math.max(b - a, 0) / total) * usable + (i < ordered.length ? GAP : 0); });
  const place = (t) => {
    for (let i = spans.length - 1; i >= 0; i--) {
      const [a, b] = spans[i];
      if (t >= a || i === 0) return starts[i] + (Math.min(Math.max(t - a, 0), Math.max(b - a, 0)) / total) * usable;
    }
    return LEFT;
  };
  return { x: place, jumps: ordered.map((j, i) => ({ ...j, x: starts[i + 1] - GAP })) };
}

function zigzag(x, top, bottom) {
  let d = `M${x},${top}`;
  for (let y = top, i = 0; y < bottom; y += 8, i++) d += ` L${x + (i % 2 ? 0 : GAP)},${y + 8}`;
  return d;
}
