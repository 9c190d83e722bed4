// SPDX-License-Identifier: MPL-2.0
// API tokens (/api/tokens/, Socorro's URL): create one carrying a subset of
// your permissions (its key is shown once), list and revoke yours. Needs a
// signed-in session; state-changing requests carry its CSRF token.
import { api, fill, link, query, row, text, whoami } from "/static/dom.js";

const status = document.getElementById("status");
let session;

async function refresh() {
  const { body } = await api("/api/Tokens/");
  const tokens = (body && body.tokens) || [];
  fill("token-rows", tokens.map((t) => {
    const cell = document.createElement("td");
    const revoke = document.createElement("button");
    revoke.type = "button";
    revoke.textContent = "Revoke";
    revoke.setAttribute("aria-label", `Revoke token ${t.id}`);
    revoke.addEventListener("click", async () => {
      const r = await fetch(`/api/Tokens/?${query([["id", t.id]])}`, {
        method: "DELETE", credentials: "same-origin", headers: { "X-CSRF-Token": session.csrf_token },
      });
      status.textContent = r.ok ? `Revoked ${t.id}.` : `Could not revoke (${r.status}).`;
      await refresh();
    });
    cell.appendChild(revoke);
    return row([t.id, t.permissions.join(", "), t.notes, String(t.expires).slice(0, 10), cell]);
  }));
  document.getElementById("list").hidden = tokens.length === 0;
}

async function main() {
  session = await whoami();
  if (!session.user || !session.csrf_token) {
    status.textContent = "";
    status.append("Sign in to manage your API tokens: ", link("/login?next=/api/tokens/", "sign in"), ".");
    return;
  }
  status.textContent = `Signed in as ${session.user}.`;
  const boxes = document.getElementById("permissions");
  const mine = session.permissions.filter((p) => p !== "admin");
  boxes.replaceChildren(...mine.map((p) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = "permissions";
    box.value = p;
    label.append(box, ` ${p}`);
    return label;
  }));
  if (mine.length === 0) boxes.append(text("p", "You hold no permissions: a token only identifies you."));
  document.getElementById("create").hidden = false;
  document.getElementById("token-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const r = await fetch("/api/Tokens/", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": session.csrf_token },
      body: query([...form]),
    });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      status.textContent = `Could not create the token: ${body.error || r.status}`;
      return;
    }
    document.getElementById("key").textContent = body.key;
    document.getElementById("new-key").hidden = false;
    await refresh();
  });
  await refresh();
}
main().catch((e) => { status.textContent = `Could not load your tokens: ${e.message}`; });
