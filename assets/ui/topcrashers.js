// SPDX-License-Identifier: MPL-2.0
// Top Crashers (/topcrashers/, Socorro's URL and parameters, SOCORRO.md
// 5.2): the signatures with most crashes of a product's version(s) over the
// last days, against the period before; read from the public Super Search
// API, so it shows public fields only. Values come from crash reports: text
// only.
import { api, fill, link, query, row, text } from "/static/dom.js";

const status = document.getElementById("status");
const params = new URLSearchParams(location.search);
const PROCESS_TYPES = ["parent", "content", "gpu", "plugin", "rdd", "socket", "utility"];

function pick(name, allowed, fallback) {
  const v = params.get(name);
  return allowed.includes(v) ? v : fallback;
}
const product = params.get("product") || "";
const versions = params.getAll("version").filter(Boolean);
const days = Number(pick("days", ["1", "3", "7", "14", "28"], "7"));
const processType = pick("process_type", ["any", ...PROCESS_TYPES, "other"], "parent");
const platform = pick("platform", ["Windows", "Mac OS X", "Linux"], "");
const size = Number(pick("_facets_size", ["50", "100", "200", "300"], "50"));
const rangeType = pick("_range_type", ["report", "build"], "report");
const mode = pick("_tcbs_mode", ["realtime", "byday"], "realtime");
// Socorro's _report_type: the processed crash's report_type (crash or
// hang, SOCORRO.md 2.3 rule 33); "any" filters on neither.
const reportType = pick("_report_type", ["any", "crash", "hang"], "crash");

// The form shows what is asked.
document.getElementById("product").value = product;
document.getElementById("version").value = versions.join(", ");
for (const [id, v] of [["days", days], ["process_type", processType], ["platform", platform],
                       ["_facets_size", size], ["_range_type", rangeType], ["_tcbs_mode", mode],
                       ["_report_type", reportType]]) {
  document.getElementById(id).value = String(v);
}
document.getElementById("filters").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const pairs = [];
  for (const [k, v] of form) {
    if (k === "version") String(v).split(",").map((s) => s.trim()).forEach((x) => pairs.push([k, x]));
    else pairs.push([k, v]);
  }
  location.search = query(pairs);
});

const iso = (d) => d.toISOString();
const buildId = (d) => iso(d).replace(/[-:T]/g, "").slice(0, 14);

// Super Search parameters for the period [start, end).
function searchParams(start, end, facetsSize) {
  const p = [["product", product], ["_results_number", "0"], ["_facets", "signature"],
             ["_facets_size", String(facetsSize)],
             ["_aggs.signature", "platform"], ["_aggs.signature", "startup_crash"],
             ["_aggs.signature", "is_garbage_collecting"], ["_aggs.signature", "_cardinality.install_time"]];
  for (const v of versions) p.push(["version", v]);
  if (rangeType === "build") {
    p.push(["build_id", `>=${buildId(start)}`], ["build_id", `<${buildId(end)}`]);
    // Crashes of those builds may come later; bound the search anyway.
    p.push(["date", `>=${iso(start)}`]);
  } else {
    p.push(["date", `>=${iso(start)}`], ["date", `<${iso(end)}`]);
  }
  if (processType === "other") for (const t of PROCESS_TYPES) p.push(["process_type", `!${t}`]);
  else if (processType !== "any") p.push(["process_type", processType]);
  if (platform) p.push(["platform", platform]);
  if (reportType !== "any") p.push(["report_type", reportType]);
  return p;
}

async function search(pairs) {
  const { status: code, body } = await api(`/api/SuperSearch/?${query(pairs)}`);
  if (code !== 200) throw new Error(body && body.error ? body.error : `HTTP ${code}`);
  return body;
}

// The product's active versions, newest first: as Socorro, those with at
// least 50 crashes in the last 60 days (when none has, the one with most).
async function activeVersions() {
  const since = new Date(Date.now() - 60 * 86400e3);
  const body = await search([["product", product], ["date", `>=${iso(since)}`], ["_results_number", "0"],
                             ["_facets", "version"], ["_facets_size", "50"]]);
  const buckets = body.facets.version || [];
  let active = buckets.filter((b) => b.count >= 50);
  if (active.length === 0) active = buckets.slice(0, 1);
  const cmp = (a, b) => b.localeCompare(a, undefined, { numeric: true });
  return active.map((b) => b.term).sort(cmp);
}

function subCount(bucket, name, term) {
  const list = (bucket.facets || {})[name] || [];
  const hit = list.find((b) => String(b.term).startsWith(term));
  return hit ? hit.count : 0;
}

function toCsv(lines) {
  const cell = (v) => {
    const s = String(v ?? "");
    return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return lines.map((l) => l.map(cell).join(",")).join("\r\n") + "\r\n";
}

async function main() {
  if (!product) {
    status.textContent = "Choose a product.";
    return;
  }
  if (versions.length === 0) {
    const active = await activeVersions();
    if (active.length) {
      params.append("version", active[0]);
      location.replace(`${location.pathname}?${params}`);
      return;
    }
  }
  document.getElementById("title").textContent =
    `Top Crashers for ${product}${versions.length ? " " + versions.join(", ") : ""}`;
  let end = new Date();
  if (mode === "byday") end = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()));
  const start = new Date(end - days * 86400e3);
  const before = new Date(start - days * 86400e3);
  const [now, prev] = await Promise.all([search(searchParams(start, end, size)),
                                         search(searchParams(before, start, size * 2))]);
  const sigs = now.facets.signature || [];
  const prevRank = new Map((prev.facets.signature || []).map((b, i) => [b.term, i]));
  const prevPct = new Map((prev.facets.signature || []).map((b) => [b.term, prev.total ? 100 * b.count / prev.total : 0]));
  const names = sigs.map((b) => b.term);
  const sigQuery = names.map((n) => ["signatures", n]);
  const [first, bugs] = names.length
    ? await Promise.all([api(`/api/SignatureFirstDate/?${query(sigQuery)}`), api(`/api/Bugs/?${query(sigQuery)}`)])
    : [{ body: { hits: [] } }, { body: { hits: [] } }];
  const firstDate = new Map((first.body?.hits || []).map((h) => [h.signature, h.first_date]));
  const bugIds = new Map();
  for (const h of bugs.body?.hits || []) {
    if (!bugIds.has(h.signature)) bugIds.set(h.signature, []);
    bugIds.get(h.signature).push(h.id);
  }
  const csv = [["rank", "rank change", "percent", "percent change", "signature", "count", "win", "mac", "lin",
                "installs", "is gc", "startup", "first appearance", "bugs"]];
  let covered = 0;
  const rows = sigs.map((b, i) => {
    covered += b.count;
    const pct = now.total ? 100 * b.count / now.total : 0;
    const was = prevRank.get(b.term);
    const rankDiff = was === undefined ? "new" : was - i;
    const pctDiff = was === undefined ? "new" : (pct - prevPct.get(b.term)).toFixed(2);
    const startup = subCount(b, "startup_crash", "T") + subCount(b, "startup_crash", "1");
    const startupMark = startup === 0 ? "" : startup === b.count ? "startup" : "potential";
    const installs = ((b.facets || {}).cardinality_install_time || {}).value ?? "";
    // Crashes while the JavaScript engine was collecting garbage (Socorro's "Is GC").
    const gc = subCount(b, "is_garbage_collecting", "T") + subCount(b, "is_garbage_collecting", "1");
    const win = subCount(b, "platform", "Win"), mac = subCount(b, "platform", "Mac"),
          lin = subCount(b, "platform", "Lin");
    const ids = (bugIds.get(b.term) || []).sort((x, y) => y - x);
    const sigCell = document.createElement("td");
    sigCell.appendChild(link(`/signature/?${query([["product", product], ["signature", b.term],
                                                    ...versions.map((v) => ["version", v])])}`, b.term));
    const fields = [i + 1, Math.abs(rankDiff) >= 5 || rankDiff === "new" ? rankDiff : "", pct.toFixed(2), pctDiff,
                    b.term, b.count, win, mac, lin, installs, gc, startupMark, firstDate.get(b.term) || "",
                    ids.join(" ")];
    csv.push(fields);
    const num = (v) => text("td", v, "num");
    return row([num(i + 1), num(fields[1]), num(fields[2]), num(fields[3]), sigCell, num(b.count),
                num(win), num(mac), num(lin), num(installs), num(gc), num(startupMark),
                num(String(fields[12]).slice(0, 10)), fields[13]]);
  });
  fill("rows", rows);
  document.getElementById("table").hidden = rows.length === 0;
  document.getElementById("summary").textContent = now.total
    ? `${now.total} crashes; the top ${rows.length} signatures account for ${covered} ` +
      `(${(100 * covered / now.total).toFixed(2)}%).`
    : "";
  status.textContent = rows.length ? "" : "No crashes match.";
  const a = document.getElementById("csv");
  a.href = URL.createObjectURL(new Blob([toCsv(csv)], { type: "text/csv" }));
  a.hidden = rows.length === 0;
}
main().catch((e) => { status.textContent = `Could not load Top Crashers: ${e.message}`; });
