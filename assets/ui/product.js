// SPDX-License-Identifier: MPL-2.0
// The product home page (/home/product/<product>, Socorro's URL): its
// featured versions (product details, or the active ones for "auto"), each
// with its crashes this week and links into Top Crashers and New in this
// build, crashes per day (a chart and a table), and the product's own
// links. Text only; links from product details are followed only when they
// are http(s).
import { dayChart, daysBetween } from "/static/chart.js";
import { api, fill, link, query, row, text } from "/static/dom.js";

const status = document.getElementById("status");
const product = decodeURIComponent(location.pathname.replace(/^\/home\/product\//, "").replace(/\/$/, ""));
const since = (days) => ["date", `>=${new Date(Date.now() - days * 86400e3).toISOString()}`];

async function search(pairs) {
  const { status: code, body } = await api(`/api/SuperSearch/?${query([["product", product],
                                                                       ["_results_number", "0"], ...pairs])}`);
  if (code !== 200) throw new Error(body && body.error ? body.error : `HTTP ${code}`);
  return body;
}

// Crashes per day over the last 14 days (UTC days, today included): all
// of the product's, and each featured version's; a chart above the table.
async function crashesPerDay(featured) {
  const first = new Date(Date.now() - 13 * 86400e3).toISOString().slice(0, 10);
  const days = daysBetween(first, new Date().toISOString().slice(0, 10));
  const body = await search([["date", `>=${first}T00:00:00Z`], ["_histogram.date", "version"],
                             ["_facets_size", "50"]]);
  const perDay = new Map((body.facets.histogram_date || []).map((d) => [String(d.term).slice(0, 10), d]));
  const countOf = (day, version) => {
    const d = perDay.get(day);
    if (!d) return 0;
    if (version === undefined) return d.count;
    const hit = ((d.facets || {}).version || []).find((b) => b.term === version);
    return hit ? hit.count : 0;
  };
  const series = [{ label: "all", values: days.map((d) => countOf(d)) },
                  ...featured.map((v) => ({ label: v, values: days.map((d) => countOf(d, v)) }))];
  fill("day-head", [text("th", "day"),
                    ...series.map((s) => text("th", s.label === "all" ? "crashes" : s.label, "num"))]);
  fill("day-rows", days.map((d, i) => row([d, ...series.map((s) => text("td", s.values[i], "num"))])));
  if (perDay.size) {
    dayChart(document.getElementById("day-chart"),
             { days, series, label: `Crashes per day of ${product}, all versions and the featured ones` });
  }
}

async function main() {
  document.getElementById("title").textContent = product;
  document.title = `${product} · crashbox`;
  const details = (((await api("/api/ProductDetails/")).body || {}).products || []).find((p) => p.name === product) || {};
  document.getElementById("description").textContent = details.description || "";
  const recent = await search([since(60), ["_facets", "version"], ["_facets_size", "50"]]);
  const buckets = recent.facets.version || [];
  // Featured: the literal ones of product details; "auto" (or none) means
  // the active versions, Socorro's way (50 crashes in 60 days), up to 4.
  let featured = (details.featured_versions || []).filter((v) => /^[0-9]/.test(v));
  if (featured.length === 0) {
    let active = buckets.filter((b) => b.count >= 50);
    if (active.length === 0) active = buckets.slice(0, 1);
    featured = active.map((b) => b.term).sort((a, b) => b.localeCompare(a, undefined, { numeric: true })).slice(0, 4);
  }
  const week = await search([since(7), ["_facets", "version"], ["_facets_size", "50"]]);
  const weekly = new Map((week.facets.version || []).map((b) => [b.term, b.count]));
  fill("version-rows", featured.map((v) => {
    const links = document.createElement("td");
    links.append(link(`/topcrashers/?${query([["product", product], ["version", v]])}`, "Top Crashers"), " ",
                 link(`/newbuild/?${query([["product", product], ["version", v]])}`, "New in this version"));
    return row([v, text("td", weekly.get(v) || 0, "num"), links]);
  }));
  await crashesPerDay(featured);
  const list = document.getElementById("links");
  for (const [label, url] of details.product_home_links || []) {
    const item = document.createElement("li");
    item.appendChild(/^https?:\/\//.test(url) ? link(url, label) : text("span", `${label}: ${url}`));
    list.appendChild(item);
  }
  status.textContent = featured.length ? "" : "No crashes of this product in the last 60 days.";
}
main().catch((e) => { status.textContent = `Could not load the product: ${e.message}`; });
