// SPDX-License-Identifier: MPL-2.0
// Shared by the pages: building elements from values that come from crash
// reports (always as text, never as HTML) and reading the JSON API.

// An element of `tag` whose text is `value` ("" for null or undefined).
export function text(tag, value, className) {
  const el = document.createElement(tag);
  el.textContent = value === undefined || value === null ? "" : String(value);
  if (className) el.className = className;
  return el;
}

// A link to `href` reading `label`.
export function link(href, label) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = label;
  return a;
}

// A table row: nodes as they are, other values as text cells.
export function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) tr.appendChild(c instanceof Node ? c : text("td", c));
  return tr;
}

// Replaces the rows of the tbody `id`.
export function fill(id, rows) {
  document.getElementById(id).replaceChildren(...rows);
}

// GET (or `init`) `path`: {status, body} with the JSON body (null if none).
// A GET refused for now (429: searches at once from one address are
// limited, web/api/search_gate.h) is asked again after its Retry-After, a
// few times.
export async function api(path, init) {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(path, { credentials: "same-origin", ...init });
    const retry = r.status === 429 && attempt < 3 && (!init || !init.method || init.method === "GET");
    if (!retry) return { status: r.status, body: await r.json().catch(() => null) };
    const seconds = Math.min(2, Number(r.headers.get("Retry-After")) || 1);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000 * (0.5 + Math.random() / 2)));
  }
}

// A query string from [key, value] pairs (repeated keys kept).
export function query(pairs) {
  const q = new URLSearchParams();
  for (const [k, v] of pairs) if (v !== undefined && v !== null && v !== "") q.append(k, v);
  return q.toString();
}

// Who the visitor is (GET /api/Session/), asked once per page load however
// many modules want it.
let sessionPromise;
export function whoami() {
  sessionPromise ??= api("/api/Session/").then((r) => r.body || { permissions: [] });
  return sessionPromise;
}

// A state-changing request: `pairs` as a form body, with the session's
// CSRF token (whoami().csrf_token). {status, body} as api().
export async function send(method, path, pairs, csrf) {
  return api(path, {
    method,
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf || "" },
    body: pairs ? query(pairs) : undefined,
  });
}

// A button reading `label` (and `aria` for screen readers) that runs `onClick`.
export function button(label, onClick, aria) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  if (aria) b.setAttribute("aria-label", aria);
  b.addEventListener("click", onClick);
  return b;
}
