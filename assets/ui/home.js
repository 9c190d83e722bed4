// SPDX-License-Identifier: MPL-2.0
// The home page: who is signed in (names come from accounts and proxies:
// inserted as text, never as HTML), and the sign-out form's CSRF token.
const s = await (await fetch("/api/Session/")).json();
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
  const a = document.createElement("a");
  a.href = "/login";
  a.textContent = "Sign in";
  who.appendChild(a);
}
