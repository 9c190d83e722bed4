// SPDX-License-Identifier: MPL-2.0
// The Super Search page (/search/, Socorro's URL): filters with the
// operators of each field's type, columns, a facet, sort and paging. Its
// URL parameters are the API's, so a search is shared as a link and
// replayed with `crashbox search` or crashstats-tools. Values come from
// crash reports: text only.
import { api, fill, link, query, row, text } from "/static/dom.js";

const status = document.getElementById("status");
const params = new URLSearchParams(location.search);
const PAGE = 50;
const DEFAULT_COLUMNS = ["date", "signature", "product", "version", "build_id", "platform"];
// Operators by query type: [prefix, label]; "__null__" style ones take no value.
const TEXT_OPS = [["", "is"], ["!", "is not"], ["~", "contains"], ["!~", "does not contain"],
                  ["^", "starts with"], ["$", "ends with"], ["@", "matches regex"],
                  ["!__null__", "exists"], ["__null__", "does not exist"]];
const RANGE_OPS = [["", "="], [">", ">"], [">=", ">="], ["<", "<"], ["<=", "<="],
                   ["!__null__", "exists"], ["__null__", "does not exist"]];
const OPS = { string: TEXT_OPS, enum: [TEXT_OPS[0], TEXT_OPS[1], TEXT_OPS[7], TEXT_OPS[8]],
              integer: RANGE_OPS, float: RANGE_OPS, date: RANGE_OPS,
              bool: [["__true__", "is true"], ["!__true__", "is not true"]] };
const NO_VALUE = new Set(["__null__", "!__null__", "__true__", "!__true__"]);

let fields = {};
const opsOf = (name) => OPS[(fields[name] || {}).query_type] || TEXT_OPS;

// Splits "value" as the API writes it into [operator, operand].
function splitValue(name, value) {
  if (NO_VALUE.has(value)) return [value, ""];
  const ops = opsOf(name).map(([p]) => p).filter((p) => p && !NO_VALUE.has(p))
    .sort((a, b) => b.length - a.length);
  for (const p of ops) if (value.startsWith(p)) return [p, value.slice(p.length)];
  return ["", value];
}

function option(value, label) {
  const o = text("option", label);
  o.value = value;
  return o;
}

function addFilter(name = "product", value = "") {
  const [op, operand] = splitValue(name, value);
  const box = document.createElement("div");
  box.className = "filter";
  const field = document.createElement("select");
  field.setAttribute("aria-label", "field");
  field.replaceChildren(...Object.keys(fields).sort().map((f) => option(f, f)));
  field.value = name;
  const operator = document.createElement("select");
  operator.setAttribute("aria-label", "operator");
  const input = document.createElement("input");
  input.type = "text";
  input.setAttribute("aria-label", "value");
  input.value = operand;
  const setOps = () => {
    operator.replaceChildren(...opsOf(field.value).map(([p, l]) => option(p, l)));
  };
  setOps();
  operator.value = op;
  const sync = () => { input.hidden = NO_VALUE.has(operator.value); };
  field.addEventListener("change", () => { setOps(); sync(); });
  operator.addEventListener("change", sync);
  sync();
  const remove = document.createElement("button");
  remove.type = "button";
  remove.textContent = "Remove";
  remove.addEventListener("click", () => box.remove());
  box.append(field, operator, input, remove);
  document.getElementById("filters").appendChild(box);
}

// The form as the API's parameters.
function formParams() {
  const pairs = [];
  for (const box of document.querySelectorAll(".filter")) {
    const [field, operator, input] = box.querySelectorAll("select, input");
    const value = NO_VALUE.has(operator.value) ? operator.value : operator.value + input.value;
    if (value !== "") pairs.push([field.value, value]);
  }
  for (const o of document.getElementById("columns").selectedOptions) pairs.push(["_columns", o.value]);
  pairs.push(["_facets", document.getElementById("facet").value]);
  const sort = document.getElementById("sort").value;
  pairs.push(["_sort", (document.getElementById("descending").checked ? "-" : "") + sort]);
  return pairs;
}

async function run() {
  const pairs = [...params].filter(([k]) => k !== "_results_offset" && k !== "_results_number");
  const columns = params.getAll("_columns");
  const shownColumns = ["uuid", ...(columns.length ? columns : DEFAULT_COLUMNS).filter((c) => c !== "uuid")];
  const offset = Math.max(0, Number(params.get("_results_offset")) || 0);
  const apiPairs = [...pairs.filter(([k]) => k !== "_columns"), ...shownColumns.map((c) => ["_columns", c]),
                    ["_results_number", String(PAGE)], ["_results_offset", String(offset)]];
  if (!params.has("_facets")) apiPairs.push(["_facets", "signature"]);
  if (!params.has("_sort")) apiPairs.push(["_sort", "-date"]);
  const apiPath = `/api/SuperSearch/?${query(apiPairs)}`;
  document.getElementById("api-link").href = apiPath;
  const { status: code, body } = await api(apiPath);
  if (code !== 200) {
    status.textContent = body && body.error ? body.error : `The search failed (HTTP ${code}).`;
    return;
  }
  status.textContent = `${body.total} crashes.`;
  fill("result-head", shownColumns.map((c) => text("th", c)));
  fill("result-rows", body.hits.map((h) => {
    const id = document.createElement("td");
    id.appendChild(link(`/report/index/${encodeURIComponent(h.uuid)}`, h.uuid));
    return row([id, ...shownColumns.slice(1).map((c) => (h[c] === null || h[c] === undefined ? "" : String(h[c])))]);
  }));
  const pages = Math.max(1, Math.ceil(body.total / PAGE));
  const current = Math.floor(offset / PAGE) + 1;
  document.getElementById("page").textContent = `page ${current} of ${pages}`;
  const go = (delta) => {
    params.set("_results_offset", String(Math.max(0, offset + delta * PAGE)));
    location.search = params.toString();
  };
  document.getElementById("prev").disabled = current <= 1;
  document.getElementById("next").disabled = current >= pages;
  document.getElementById("prev").onclick = () => go(-1);
  document.getElementById("next").onclick = () => go(1);
  const facet = params.get("_facets") || "signature";
  document.getElementById("facet-title").textContent = `Facet: ${facet}`;
  fill("facet-rows", (body.facets[facet] || []).map((b) => {
    // A facet value narrows the search to it.
    // Exact: `=` for text fields; a bare value is exact for the others
    // (SOCORRO.md 4.2: enums know no `=`).
    const narrowed = new URLSearchParams(params);
    const exact = (fields[facet] || {}).data_validation_type === "str" ? "=" : "";
    narrowed.append(facet, `${exact}${b.term}`);
    narrowed.delete("_results_offset");
    const cell = document.createElement("td");
    cell.appendChild(link(`/search/?${narrowed}`, String(b.term)));
    return row([cell, text("td", b.count, "num")]);
  }));
}

async function main() {
  fields = (await api("/api/SuperSearchFields/")).body || {};
  const exposed = Object.keys(fields).filter((f) => fields[f].is_exposed !== false &&
                                                    (fields[f].permissions_needed || []).length === 0).sort();
  const columns = document.getElementById("columns");
  const chosen = params.getAll("_columns");
  columns.replaceChildren(...exposed.map((f) => {
    const o = option(f, f);
    o.selected = (chosen.length ? chosen : DEFAULT_COLUMNS).includes(f);
    return o;
  }));
  document.getElementById("facet").replaceChildren(...exposed.map((f) => option(f, f)));
  document.getElementById("facet").value = params.get("_facets") || "signature";
  document.getElementById("sort").replaceChildren(...exposed.map((f) => option(f, f)));
  const sort = params.get("_sort") || "-date";
  document.getElementById("sort").value = sort.replace(/^-/, "");
  document.getElementById("descending").checked = sort.startsWith("-");
  let any = false;
  for (const [k, v] of params) {
    if (k.startsWith("_") || !fields[k]) continue;
    addFilter(k, v);
    any = true;
  }
  if (!any) addFilter();
  document.getElementById("add-filter").addEventListener("click", () => addFilter());
  document.getElementById("search").addEventListener("submit", (e) => {
    e.preventDefault();
    location.search = query(formParams());
  });
  await run();
}
main().catch((e) => { status.textContent = `Could not search: ${e.message}`; });
