// SPDX-License-Identifier: MPL-2.0
// The API documentation (/api/, Socorro's URL), generated from what the
// server serves: each endpoint of GET /api/Endpoints/ (the route table's
// own documentation) with its parameters and a form that tries it with
// your session, and the Super Search fields of /api/SuperSearchFields/.
// Answers are shown as text.
import { api, fill, query, row, text } from "/static/dom.js";

// One endpoint as GET /api/Endpoints/ describes it (web/routes.cc).
function endpointBox({ name, method, what, params, needs }) {
  const box = document.createElement("section");
  box.appendChild(text("h2", `${method} /api/${name}/`));
  box.appendChild(text("p", what + (needs ? ` (needs ${needs})` : "")));
  if (method !== "GET") return box;
  const form = document.createElement("form");
  form.className = "filters";
  for (const { name: param, example, required } of params) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "text";
    input.name = param;
    input.placeholder = example;
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

const listed = (await api("/api/Endpoints/")).body || { endpoints: [] };
document.getElementById("endpoints").replaceChildren(...listed.endpoints.map(endpointBox));
const fields = (await api("/api/SuperSearchFields/")).body || {};
fill("field-rows", Object.keys(fields).sort().map((f) => row([
  f, fields[f].query_type, (fields[f].permissions_needed || []).length ? "yes" : "", fields[f].description || ""])));
document.getElementById("fields-status").textContent = `${Object.keys(fields).length} fields.`;
