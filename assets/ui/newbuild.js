// SPDX-License-Identifier: MPL-2.0
// New in this build (/newbuild/?product=P&version=V or &build_id=B): what
// no Crash Stats page answers directly. For a version (or one build) of a
// product over the last 28 days: the signatures first seen in its builds,
// and the signatures whose share of its crashes rose most against the
// previous version (or build). From the public Super Search and
// SignatureFirstDate APIs; values as text.
import { api, fill, link, query, row, text } from "/static/dom.js";

const status = document.getElementById("status");
const params = new URLSearchParams(location.search);
const product = params.get("product") || "";
const version = params.get("version") || "";
const buildId = params.get("build_id") || "";
document.getElementById("product").value = product;
document.getElementById("version").value = version;
document.getElementById("build_id").value = buildId;
document.getElementById("choose").addEventListener("submit", (e) => {
  e.preventDefault();
  location.search = query([...new FormData(e.target)]);
});

const since = ["date", `>=${new Date(Date.now() - 28 * 86400e3).toISOString()}`];
const newestFirst = (a, b) => String(b).localeCompare(String(a), undefined, { numeric: true });
async function search(pairs) {
  const { status: code, body } = await api(`/api/SuperSearch/?${query([since, ["product", product],
                                                                       ["_results_number", "0"], ...pairs])}`);
  if (code !== 200) throw new Error(body && body.error ? body.error : `HTTP ${code}`);
  return body;
}
const sigLink = (s) => {
  const td = document.createElement("td");
  td.appendChild(link(`/signature/?${query([["product", product], ["signature", s]])}`, s));
  return td;
};

async function main() {
  if (!product || (!version && !buildId)) {
    status.textContent = "Choose a product and a version or build id.";
    return;
  }
  // This build (or version) and the one before it.
  let mine, before, label;
  if (buildId) {
    const builds = (await search([["_facets", "build_id"], ["_facets_size", "200"]])).facets.build_id || [];
    const older = builds.map((b) => b.term).filter((b) => newestFirst(b, buildId) > 0).sort(newestFirst);
    mine = [["build_id", buildId]];
    before = older.length ? [["build_id", older[0]]] : null;
    label = `build ${buildId}` + (older.length ? `, against build ${older[0]}` : "");
  } else {
    const versions = (await search([["_facets", "version"], ["_facets_size", "200"]])).facets.version || [];
    const older = versions.map((b) => b.term).filter((v) => newestFirst(v, version) > 0).sort(newestFirst);
    // version is an enum field: a bare value is an exact match (SOCORRO.md 4.2).
    mine = [["version", version]];
    before = older.length ? [["version", older[0]]] : null;
    label = `version ${version}` + (older.length ? `, against version ${older[0]}` : "");
  }
  document.getElementById("title").textContent = `New in ${product} ${buildId || version}`;
  const now = await search([...mine, ["_facets", "signature"], ["_facets_size", "300"],
                            ["_facets", "build_id"], ["_facets_size", "300"]]);
  const prev = before ? await search([...before, ["_facets", "signature"], ["_facets_size", "1000"]])
                      : { total: 0, facets: { signature: [] } };
  document.getElementById("compared").textContent =
    `${now.total} crashes of ${label}` + (before ? ` (${prev.total} crashes)` : "") + ", last 28 days.";
  const sigs = now.facets.signature || [];
  const myBuilds = new Set((now.facets.build_id || []).map((b) => String(b.term)));
  const first = sigs.length
    ? (await api(`/api/SignatureFirstDate/?${query(sigs.map((b) => ["signatures", b.term]))}`)).body
    : { hits: [] };
  const firstBuild = new Map(((first && first.hits) || []).map((h) => [h.signature, h.first_build]));
  const fresh = sigs.filter((b) => myBuilds.has(String(firstBuild.get(b.term))));
  fill("new-rows", fresh.map((b) => row([sigLink(b.term), text("td", b.count, "num"),
                                         text("td", firstBuild.get(b.term), "num")])));
  const pct = (n, total) => (total ? 100 * n / total : 0);
  const was = new Map((prev.facets.signature || []).map((b) => [b.term, pct(b.count, prev.total)]));
  const risen = sigs.map((b) => ({ term: b.term, count: b.count, now: pct(b.count, now.total),
                                   before: was.get(b.term) || 0 }))
    .map((r) => ({ ...r, rise: r.now - r.before }))
    .filter((r) => r.rise > 0).sort((a, b) => b.rise - a.rise).slice(0, 30);
  fill("rise-rows", risen.map((r) => row([sigLink(r.term), text("td", r.count, "num"),
                                          text("td", r.now.toFixed(2), "num"), text("td", r.before.toFixed(2), "num"),
                                          text("td", `+${r.rise.toFixed(2)}`, "num")])));
  document.getElementById("result").hidden = false;
  status.textContent = now.total ? "" : "No crashes of this build in the last 28 days.";
}
main().catch((e) => { status.textContent = `Could not compare: ${e.message}`; });
