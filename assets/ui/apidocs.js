// SPDX-License-Identifier: MPL-2.0
// The API documentation (/api/, Socorro's URL): each endpoint with its
// parameters and a form that tries it with your session, and the Super
// Search fields generated from /api/SuperSearchFields/. Answers are shown
// as text.
import { api, fill, query, row, text } from "/static/dom.js";

// [name, method, what, [[param, hint, required?]], needs]
const ENDPOINTS = [
  ["SuperSearch", "GET", "Search crashes: filters per field, facets, aggregations, histograms (public fields)",
   [["product", "Firefox"], ["signature", "~OOM"], ["_facets", "signature"], ["_results_number", "10"]], ""],
  ["SuperSearchUnredacted", "GET", "The same with protected fields", [["url", "!__null__"], ["_columns", "url"]], "view_pii"],
  ["SuperSearchFields", "GET", "Every search field's definition", [], ""],
  ["ProcessedCrash", "GET", "One processed crash (protected fields with view_pii)", [["crash_id", "", true]], ""],
  ["RawCrash", "GET", "One raw crash (format=raw: the dump, with view_rawdump)",
   [["crash_id", "", true], ["format", "meta"], ["name", "upload_file_minidump"]], ""],
  ["Reprocessing", "POST", "Queue crashes again (crash_ids=ID[:ruleset], repeatable)", [["crash_ids", "", true]],
   "reprocess_crashes"],
  ["SignatureFirstDate", "GET", "When and in which build signatures were first seen", [["signatures", "", true]], ""],
  ["CrashSignature", "POST", "Signatures of crash data: a JSON body {\"jobs\": [...]}", [], ""],
  ["CrashVerify", "GET", "Where a crash is stored", [["crash_id", "", true]], ""],
  ["Bugs", "GET", "Bugs of signatures, and those bugs' other signatures", [["signatures", "", true]], ""],
  ["SignaturesByBugs", "GET", "Signatures of bugs", [["bug_ids", "", true]], ""],
  ["VersionString", "GET", "The version of a product's build on a channel",
   [["product", "Firefox", true], ["channel", "beta", true], ["build_id", "", true]], ""],
  ["ProductDetails", "GET", "The products crashbox knows", [], ""],
  ["MissingSymbols", "GET", "Modules crashes lacked symbols for (format=csv too)", [["format", ""]], ""],
  ["Session", "GET", "Who you are, and your CSRF token", [], ""],
  ["Tokens", "GET", "Your API tokens", [], ""],
  ["Symbols", "GET", "Stored symbol files, the first 1,000 by name", [["prefix", "libxul"]], ""],
  ["BugAssociations", "GET", "Every bug association", [], ""],
  ["StatusMessage", "GET", "The site's status message", [], ""],
  ["Users", "GET", "Every user, their groups and permissions", [], "admin"],
  ["AuditLog", "GET", "Who read protected data and changed access (since=YYYY-MM-DD, limit)",
   [["since", ""], ["limit", "200"]], "admin"],
  ["NoOp", "GET", "Socorro's test endpoint", [["product", "Firefox", true]], ""],
];

function endpointBox([name, method, what, params, needs]) {
  const box = document.createElement("section");
  box.appendChild(text("h2", `${method} /api/${name}/`));
  box.appendChild(text("p", what + (needs ? ` (needs ${needs})` : "")));
  if (method !== "GET") return box;
  const form = document.createElement("form");
  form.className = "filters";
  for (const [param, hint, required] of params) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "text";
    input.name = param;
    input.placeholder = hint;
    if (required) input.required = true;
    label.append(`${param} `, input);
    form.appendChild(label);
  }
  const button = text("button", "Try it");
  button.type = "submit";
  form.appendChild(button);
  const out = text("pre", "");
  out.hidden = true;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const pairs = [...new FormData(form)].filter(([, v]) => v !== "");
    const path = `/api/${name}/?${query(pairs)}`;
    const r = await fetch(path, { credentials: "same-origin" });
    const body = await r.text();
    let shown = body;
    try { shown = JSON.stringify(JSON.parse(body), null, 2); } catch { /* not JSON: as is */ }
    out.textContent = `GET ${path}\n${r.status}\n\n${shown.slice(0, 20000)}`;
    out.hidden = false;
  });
  box.append(form, out);
  return box;
}

document.getElementById("endpoints").replaceChildren(...ENDPOINTS.map(endpointBox));
const fields = (await api("/api/SuperSearchFields/")).body || {};
fill("field-rows", Object.keys(fields).sort().map((f) => row([
  f, fields[f].query_type, (fields[f].permissions_needed || []).length ? "yes" : "", fields[f].description || ""])));
document.getElementById("fields-status").textContent = `${Object.keys(fields).length} fields.`;
