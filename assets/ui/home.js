// SPDX-License-Identifier: MPL-2.0
// The home page: who is signed in, with the sign-out form's CSRF token, and
// the products (product-details files, then any other product with crashes
// in the last 60 days) with their active versions, each a link into Top
// Crashers. Names come from crash reports, accounts and proxies: text only.
import { api, link, query, row, text, whoami } from "/static/dom.js";

async function showSession() {
  const s = await whoami();
  const who = document.getElementById("who");
  if (s.user) {
    // An admin holds every permission: say so rather than list them.
    const perms = s.permissions.includes("admin") ? ["admin"] : s.permissions;
    who.textContent = `Signed in as ${s.user}` + (perms.length ? ` (${perms.join(", ")}).` : ".");
    if (s.csrf_token) {
      document.getElementById("csrf").value = s.csrf_token;
      document.getElementById("logout").hidden = false;
    }
  } else if (s.via === "auth-off") {
    who.textContent = "Authentication is off: everything is allowed.";
  } else {
    who.textContent = "Not signed in: public fields only. ";
    who.appendChild(link("/login", "Sign in"));
  }
}

async function facet(pairs) {
  const { status, body } = await api(`/api/SuperSearch/?${query([["_results_number", "0"], ...pairs])}`);
  if (status !== 200) throw new Error(body && body.error ? body.error : `HTTP ${status}`);
  return body;
}

async function showProducts() {
  const status = document.getElementById("products-status");
  const since = (days) => ["date", `>=${new Date(Date.now() - days * 86400e3).toISOString()}`];
  const [details, recent] = await Promise.all([
    api("/api/ProductDetails/"), facet([since(60), ["_facets", "product"], ["_facets_size", "100"]])]);
  const names = ((details.body || {}).products || []).map((p) => p.name);
  for (const b of recent.facets.product || []) if (!names.includes(b.term)) names.push(b.term);
  const week = await facet([since(7), ["_facets", "product"], ["_facets_size", "100"]]);
  const weekly = new Map((week.facets.product || []).map((b) => [b.term, b.count]));
  const withCrashes = new Set((recent.facets.product || []).map((b) => b.term));
  const rows = [];
  for (const name of names) {
    const versions = document.createElement("td");
    if (withCrashes.has(name)) {
      // Active versions as Top Crashers picks them: 50 crashes in 60 days,
      // newest first; else the most crashed one.
      const v = await facet([since(60), ["product", name], ["_facets", "version"], ["_facets_size", "50"]]);
      let active = (v.facets.version || []).filter((b) => b.count >= 50);
      if (active.length === 0) active = (v.facets.version || []).slice(0, 1);
      active.map((b) => b.term).sort((a, b) => b.localeCompare(a, undefined, { numeric: true })).slice(0, 6)
        .forEach((ver) => versions.append(link(`/topcrashers/?${query([["product", name], ["version", ver]])}`, ver), " "));
    }
    const nameCell = document.createElement("td");
    nameCell.appendChild(link(`/home/product/${encodeURIComponent(name)}`, name));
    rows.push(row([nameCell, text("td", weekly.get(name) || 0, "num"), versions]));
  }
  document.getElementById("product-rows").replaceChildren(...rows);
  document.getElementById("products").hidden = rows.length === 0;
  status.textContent = rows.length ? "" : "No products yet.";
}

showSession();
showProducts().catch((e) => {
  document.getElementById("products-status").textContent = `Could not list the products: ${e.message}`;
});
