// SPDX-License-Identifier: MPL-2.0
// Site administration (/siteadmin/, Socorro's URL; needs `admin`): users with
// their groups and permissions, the status message every page shows, bug
// associations and the audit log. Every change carries the session's CSRF
// token; user names, signatures and audit details are shown as text.
import { api, button, fill, link, row, send, whoami } from "/static/dom.js";
import { wireTabs } from "/static/tabs.js";

const status = document.getElementById("status");
let session;
let editing = null;  // the user name being edited, or null for a new user

function say(message) { status.textContent = message; }

function checkboxes(id, name, values, checked) {
  document.getElementById(id).replaceChildren(...values.map((v) => {
    const label = document.createElement("label");
    label.className = "inline";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = name;
    box.value = v;
    box.checked = checked.includes(v);
    label.append(box, ` ${v}`);
    return label;
  }));
}

function resetUserForm(catalog) {
  editing = null;
  const form = document.getElementById("user-form");
  form.reset();
  document.getElementById("user-name").readOnly = false;
  document.getElementById("user-form-title").textContent = "New user";
  document.getElementById("user-submit").textContent = "Create the user";
  document.getElementById("password-hint").textContent = "(8 characters or more)";
  document.getElementById("user-cancel").hidden = true;
  checkboxes("group-boxes", "groups", catalog.groups.map((g) => g.name), []);
  checkboxes("permission-boxes", "permissions", catalog.permissions.map((p) => p.codename), []);
}

function editUser(u, catalog) {
  editing = u.name;
  document.getElementById("user-name").value = u.name;
  document.getElementById("user-name").readOnly = true;
  document.getElementById("user-password").value = "";
  document.getElementById("user-active").checked = u.active;
  document.getElementById("user-form-title").textContent = `Edit ${u.name}`;
  document.getElementById("user-submit").textContent = "Save";
  document.getElementById("password-hint").textContent = "(leave empty to keep it)";
  document.getElementById("user-cancel").hidden = false;
  checkboxes("group-boxes", "groups", catalog.groups.map((g) => g.name), u.groups);
  checkboxes("permission-boxes", "permissions", catalog.permissions.map((p) => p.codename), u.permissions);
  document.getElementById("user-name").focus();
}

async function loadUsers() {
  const { status: code, body } = await api("/api/Users/");
  if (code !== 200) throw new Error(body && body.error ? body.error : `HTTP ${code}`);
  fill("user-rows", body.users.map((u) => row([
    u.name, u.active ? "yes" : "no", u.groups.join(", "), u.effective.join(", "), u.source,
    (u.last_login || "never").slice(0, 16).replace("T", " "),
    (() => {
      const cell = document.createElement("td");
      cell.appendChild(button("Edit", () => editUser(u, body), `Edit ${u.name}`));
      return cell;
    })(),
  ])));
  return body;
}

function wireUsers(catalog) {
  resetUserForm(catalog);
  document.getElementById("user-cancel").addEventListener("click", () => resetUserForm(catalog));
  document.getElementById("user-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const pairs = [...form].filter(([k]) => k !== "active");
    const creating = editing === null;
    if (!creating) pairs.push(["active", document.getElementById("user-active").checked ? "true" : "false"]);
    const r = await send(creating ? "POST" : "PUT", "/api/Users/", pairs, session.csrf_token);
    if (r.status !== 200 && r.status !== 201) {
      say(`Could not save ${form.get("username")}: ${(r.body && r.body.error) || r.status}`);
      return;
    }
    say(creating ? `Created ${r.body.user.name}.` : `Saved ${r.body.user.name}.`);
    catalog = await loadUsers();
    resetUserForm(catalog);
  });
}

async function loadBanner() {
  const { body } = await api("/api/StatusMessage/");
  document.getElementById("banner-message").value = (body && body.message) || "";
  document.getElementById("banner-severity").value = (body && body.severity) || "info";
  document.getElementById("banner-fields").disabled = false;
}

function wireBanner() {
  document.getElementById("banner-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await send("POST", "/api/StatusMessage/", [...new FormData(e.target)], session.csrf_token);
    say(r.status === 200 ? (r.body.message ? "The status message is shown on every page." : "The status message is removed.")
                         : `Could not save the message: ${(r.body && r.body.error) || r.status}`);
  });
}

async function loadBugs() {
  const { body } = await api("/api/BugAssociations/");
  const hits = (body && body.hits) || [];
  fill("bug-rows", hits.map((b) => {
    const cell = document.createElement("td");
    cell.appendChild(button("Remove", async () => {
      const r = await send("DELETE", `/api/Bugs/?bug_id=${b.id}&signatures=${encodeURIComponent(b.signature)}`,
                           null, session.csrf_token);
      say(r.status === 200 ? `Removed bug ${b.id} from ${b.signature}.` : `Could not remove it (${r.status}).`);
      await loadBugs();
    }, `Remove bug ${b.id} from ${b.signature}`));
    const sig = document.createElement("td");
    sig.appendChild(link(`/signature/?signature=${encodeURIComponent(b.signature)}`, b.signature));
    return row([String(b.id), sig, cell]);
  }));
}

function wireBugs() {
  document.getElementById("bug-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const r = await send("POST", "/api/Bugs/", [...form], session.csrf_token);
    say(r.status === 200 ? `Associated bug ${form.get("bug_id")}.`
                         : `Could not associate it: ${(r.body && (r.body.error || JSON.stringify(r.body.errors))) || r.status}`);
    if (r.status === 200) e.target.reset();
    await loadBugs();
  });
}

async function loadAudit(since) {
  const { status: code, body } = await api(`/api/AuditLog/?limit=500${since ? `&since=${encodeURIComponent(since)}` : ""}`);
  if (code !== 200) {
    say(`Could not read the audit log: ${(body && body.error) || code}`);
    return;
  }
  // Newest first, as an administrator reads a log.
  fill("audit-rows", body.entries.slice().reverse().map((a) => row([
    a.time.slice(0, 19).replace("T", " "), a.actor, a.via, a.action, a.target, a.address, a.detail,
  ])));
  document.getElementById("audit-more").hidden = !body.more;
}

function wireAudit() {
  document.getElementById("audit-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    await loadAudit(new FormData(e.target).get("since"));
  });
}

async function main() {
  session = await whoami();
  if (!session.permissions.includes("admin")) {
    status.textContent = "";
    status.append(session.user ? "This page is for administrators." : "Sign in as an administrator: ",
                  ...(session.user ? [] : [link("/login?next=/siteadmin/", "sign in"), "."]));
    return;
  }
  if (!session.csrf_token && session.via !== "auth-off") {
    say("Changes need a signed-in session (not a token or a proxy sign-on).");
  } else {
    say(session.user ? `Signed in as ${session.user}.` : "Authentication is off.");
  }
  const catalog = await loadUsers();
  wireUsers(catalog);
  wireBanner();
  wireBugs();
  wireAudit();
  document.getElementById("admin").hidden = false;
  const loaded = new Set(["users"]);
  wireTabs("users", (name) => {
    if (loaded.has(name)) return;
    loaded.add(name);
    const load = { banner: loadBanner, bugs: loadBugs, audit: () => loadAudit("") }[name];
    load().catch((e) => say(`Could not load ${name}: ${e.message}`));
  });
}
main().catch((e) => say(`Could not load the administration page: ${e.message}`));
