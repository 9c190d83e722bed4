// SPDX-License-Identifier: MPL-2.0
// The signature report (/signature/?signature=S&<Super Search filters>,
// Socorro's URL, SOCORRO.md 5.3): a summary of the signature's crashes,
// its reports (paged), any field's aggregation, crashes per day split by a
// chosen field (a chart and its table), its bugs (admins associate and
// remove them) and, with view_pii, user comments. Every value comes from
// crash reports and is inserted as text.
import { api, button, fill, link, query, row, send, text, whoami } from "/static/dom.js";
import { wireTabs } from "/static/tabs.js";

const status = document.getElementById("status");
const params = new URLSearchParams(location.search);
const signature = params.get("signature") || "";
const PAGE = 50;
// Socorro's default report columns, and those the picker offers besides.
const DEFAULT_COLUMNS = ["date", "product", "version", "build_id", "platform", "reason", "address",
                         "install_time", "startup_crash"];
const MORE_COLUMNS = ["cpu_arch", "cpu_info", "platform_pretty_version", "process_type", "release_channel",
                      "uptime", "install_age", "moz_crash_reason", "adapter_vendor_id", "adapter_device_id"];
let columns = params.getAll("_columns").filter((c) => c !== "uuid");
if (columns.length === 0) columns = DEFAULT_COLUMNS.slice();
// Uptime ranges as Crash Stats shows them, in seconds: [label, from, to).
const UPTIME_RANGES = [["< 1 min", null, 60], ["1-5 min", 60, 300], ["5-15 min", 300, 900],
                       ["15-60 min", 900, 3600], ["> 1 hour", 3600, null]];
const SUMMARY = ["product", "version", "platform_pretty_version", "cpu_arch", "process_type",
                 "release_channel"];

// The page's filters as Super Search parameters: every parameter but the
// signature and page ones, the signature as an exact match, and a date
// range of the last 7 days unless one is given.
function filters() {
  const pairs = [];
  for (const [k, v] of params) if (k !== "signature" && k !== "page" && !k.startsWith("_")) pairs.push([k, v]);
  pairs.push(["signature", `=${signature}`]);
  if (!params.has("date")) pairs.push(["date", `>=${new Date(Date.now() - 7 * 86400e3).toISOString()}`]);
  return pairs;
}
async function search(extra, endpoint = "SuperSearch") {
  const { status: code, body } = await api(`/api/${endpoint}/?${query([...filters(), ...extra])}`);
  if (code !== 200) throw new Error(body && body.error ? body.error : `HTTP ${code}`);
  return body;
}
const pct = (n, total) => (total ? (100 * n / total).toFixed(2) : "0.00");
const shown = (v) => (v === null || v === undefined ? "" : String(v));

function facetTable(title, buckets, total) {
  const box = document.createElement("div");
  box.appendChild(text("h2", title));
  const table = document.createElement("table");
  const body = document.createElement("tbody");
  body.replaceChildren(...buckets.map((b) => row([shown(b.term), text("td", b.count, "num"),
                                                  text("td", pct(b.count, total), "num")])));
  table.appendChild(body);
  box.appendChild(table);
  return box;
}

async function loadSummary() {
  const first = api(`/api/SignatureFirstDate/?${query([["signatures", signature]])}`);
  const body = await search([["_results_number", "1"], ["_facets_size", "10"], ["_columns", "date"],
                             ["_sort", "-date"], ...SUMMARY.map((f) => ["_facets", f])]);
  document.getElementById("summary-total").textContent = `${body.total} crashes in the range.`;
  const seen = ((await first).body || {}).hits || [];
  fill("summary-seen", [
    row([text("th", "first seen"), seen.length ? `${String(seen[0].first_date).slice(0, 19).replace("T", " ")}` +
                                                 ` (build ${shown(seen[0].first_build)})` : "unknown"]),
    row([text("th", "last seen in the range"), body.hits.length ? shown(body.hits[0].date).slice(0, 19).replace("T", " ") : ""]),
  ]);
  // One range after another: searches at once from one address are
  // limited (web/api/search_gate.h), and each is a count of a few ms.
  const uptimeBuckets = [];
  for (const [term, from, to] of UPTIME_RANGES) {
    const u = await search([["_results_number", "0"], ["_facets_size", "0"],
                            ...(from === null ? [] : [["uptime", `>=${from}`]]),
                            ...(to === null ? [] : [["uptime", `<${to}`]])]);
    uptimeBuckets.push({ term, count: u.total });
  }
  document.getElementById("summary-facets").replaceChildren(
    ...SUMMARY.filter((f) => body.facets[f]).map((f) => facetTable(f, body.facets[f], body.total)),
    facetTable("uptime range", uptimeBuckets, body.total));
  return body.total;
}

// The column picker: checking a box shows that column and keeps it in the
// URL (`_columns`, as Crash Stats' links carry it).
function wireColumns() {
  const boxes = document.getElementById("column-boxes");
  boxes.replaceChildren(...[...new Set([...DEFAULT_COLUMNS, ...MORE_COLUMNS, ...columns])].map((c) => {
    const label = document.createElement("label");
    label.className = "inline";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = c;
    box.checked = columns.includes(c);
    box.addEventListener("change", () => {
      columns = [...boxes.querySelectorAll("input:checked")].map((b) => b.value);
      const url = new URL(location.href);
      url.searchParams.delete("_columns");
      for (const col of columns) url.searchParams.append("_columns", col);
      history.replaceState(null, "", url);
      loadReports();
    });
    label.append(box, ` ${c}`);
    return label;
  }));
}

let page = Math.max(1, Number(params.get("page")) || 1);
let reportsAsked = 0;
async function loadReports() {
  const asked = ++reportsAsked;
  const body = await search([["_results_number", String(PAGE)], ["_results_offset", String((page - 1) * PAGE)],
                             ["_sort", "-date"], ["_facets_size", "0"],
                             ...["uuid", ...columns].map((c) => ["_columns", c])]);
  if (asked !== reportsAsked) return;  // a later page was asked meanwhile
  fill("report-head", ["crash", ...columns].map((c) => text("th", c)));
  fill("report-rows", body.hits.map((h) => {
    const id = document.createElement("td");
    id.appendChild(link(`/report/index/${encodeURIComponent(h.uuid)}`, h.uuid));
    return row([id, ...columns.map((c) => shown(h[c]))]);
  }));
  const pages = Math.max(1, Math.ceil(body.total / PAGE));
  document.getElementById("page").textContent = `page ${page} of ${pages}`;
  document.getElementById("prev").disabled = page <= 1;
  document.getElementById("next").disabled = page >= pages;
}

// Each change of field asks again; only the latest answer is shown.
let aggregationAsked = 0;
async function loadAggregation(field) {
  const asked = ++aggregationAsked;
  const body = await search([["_results_number", "0"], ["_facets", field], ["_facets_size", "50"]]);
  if (asked !== aggregationAsked) return;
  fill("agg-rows", (body.facets[field] || []).map((b) => row([shown(b.term), text("td", b.count, "num"),
                                                              text("td", pct(b.count, body.total), "num")])));
}

// Crashes per day split by a field (Socorro's Graphs tab): "all" and the
// field's 5 commonest values over the range, as a chart (chart.js, loaded
// when the tab is first shown) above the same numbers in a table. Each
// change of field asks again; only the latest answer is shown.
const GRAPH_SERIES = 5;
let graphAsked = 0;
async function loadGraph(field) {
  const asked = ++graphAsked;
  // The overall top values, and per day up to 50 values each (the top 5
  // overall are among a day's 50 commonest unless a day has unusual spread).
  const [body, { dayChart, daysBetween }] = await Promise.all([
    search([["_results_number", "0"], ["_facets", field], ["_histogram.date", field], ["_facets_size", "50"]]),
    import("/static/chart.js")]);
  if (asked !== graphAsked) return;
  const buckets = body.facets.histogram_date || [];
  const terms = (body.facets[field] || []).slice(0, GRAPH_SERIES).map((b) => b.term);
  const perDay = new Map(buckets.map((d) => [String(d.term).slice(0, 10), d]));
  const days = buckets.length ? daysBetween(String(buckets[0].term).slice(0, 10),
                                            String(buckets.at(-1).term).slice(0, 10)) : [];
  const countOf = (day, term) => {
    const d = perDay.get(day);
    if (!d) return 0;
    if (term === undefined) return d.count;
    const hit = ((d.facets || {})[field] || []).find((b) => b.term === term);
    return hit ? hit.count : 0;
  };
  const series = [{ label: "all", values: days.map((d) => countOf(d)) },
                  ...terms.map((t) => ({ label: shown(t), values: days.map((d) => countOf(d, t)) }))];
  const what = `Crashes per day by ${field}`;
  document.getElementById("graph-caption").textContent = `${what} (the ${terms.length} commonest values).`;
  fill("graph-head", [text("th", "day"), ...series.map((s) => text("th", s.label, "num"))]);
  fill("graph-rows", days.map((d, i) => row([d, ...series.map((s) => text("td", s.values[i], "num"))])));
  const box = document.getElementById("graph-chart");
  if (days.length) dayChart(box, { days, series, label: `${what}, signature ${signature}` });
  else box.replaceChildren(text("p", "No crashes in the range."));
}

async function loadBugs(session) {
  const { body } = await api(`/api/Bugs/?${query([["signatures", signature]])}`);
  const admin = session.permissions.includes("admin");
  fill("bug-rows", ((body && body.hits) || []).map((h) => {
    if (!admin) return row([h.id, h.signature, ""]);
    const cell = document.createElement("td");
    cell.appendChild(button("Remove", async () => {
      const r = await send("DELETE", `/api/Bugs/?${query([["bug_id", h.id], ["signatures", signature]])}`,
                           null, session.csrf_token);
      document.getElementById("bug-status").textContent = r.status === 200 ? `Removed bug ${h.id}.` : `Refused (${r.status}).`;
      await loadBugs(session);
    }, `Remove bug ${h.id}`));
    return row([h.id, h.signature, cell]);
  }));
  if (!admin) return;
  const form = document.getElementById("bug-form");
  form.hidden = false;
  form.onsubmit = async (e) => {
    e.preventDefault();
    const headers = { "Content-Type": "application/x-www-form-urlencoded" };
    if (session.csrf_token) headers["X-CSRF-Token"] = session.csrf_token;
    const r = await fetch("/api/Bugs/", {
      method: "POST", headers, credentials: "same-origin",
      body: query([["bug_id", document.getElementById("bug-id").value], ["signatures", signature]]),
    });
    document.getElementById("bug-status").textContent = r.ok ? "Added." : `Refused (${r.status}).`;
    if (r.ok) await loadBugs(session);
  };
}

async function loadComments(session) {
  const note = document.getElementById("comments-note");
  if (!session.permissions.includes("view_pii")) {
    note.textContent = "User comments are protected: they need the view_pii permission.";
    return;
  }
  const body = await search([["_results_number", "100"], ["_sort", "-date"], ["_facets_size", "0"],
                             ["user_comments", "!__null__"], ["_columns", "uuid"], ["_columns", "date"],
                             ["_columns", "user_comments"]], "SuperSearchUnredacted");
  note.textContent = `${body.total} crashes with a comment.`;
  fill("comment-rows", body.hits.map((h) => {
    const id = document.createElement("td");
    id.appendChild(link(`/report/index/${encodeURIComponent(h.uuid)}`, h.uuid));
    return row([shown(h.date), id, shown(h.user_comments)]);
  }));
}

async function main() {
  if (!signature || params.getAll("signature").length !== 1) {
    status.textContent = "Give exactly one signature (?signature=...).";
    return;
  }
  document.getElementById("signature").textContent = signature;
  document.title = `${signature} · crashbox`;
  const session = await whoami();
  await loadSummary();
  const fields = (await api("/api/SuperSearchFields/")).body || {};
  const select = document.getElementById("agg-field");
  select.replaceChildren(...Object.keys(fields).filter((f) => fields[f].is_exposed !== false &&
      (fields[f].permissions_needed || []).length === 0).sort().map((f) => text("option", f)));
  select.value = "platform";
  select.addEventListener("change", () => loadAggregation(select.value));
  const graphField = document.getElementById("graph-field");
  graphField.addEventListener("change", () => loadGraph(graphField.value).catch((e) => {
    status.hidden = false;
    status.textContent = e.message;
  }));
  const loaded = new Set();
  const loaders = {
    reports: loadReports, aggregations: () => loadAggregation(select.value), graphs: () => loadGraph(graphField.value),
    bugs: () => loadBugs(session), comments: () => loadComments(session),
  };
  wireColumns();
  document.getElementById("prev").addEventListener("click", () => { page--; loadReports(); });
  document.getElementById("next").addEventListener("click", () => { page++; loadReports(); });
  status.hidden = true;
  document.getElementById("report").hidden = false;
  wireTabs("summary", (name) => {
    if (loaders[name] && !loaded.has(name)) {
      loaded.add(name);
      loaders[name]().catch((e) => { status.hidden = false; status.textContent = e.message; });
    }
  });
}
main().catch((e) => { status.textContent = `Could not load the signature report: ${e.message}`; });
