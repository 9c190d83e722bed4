// SPDX-License-Identifier: MPL-2.0
// The profile page (/profile/, Socorro's URL): who you are and which of
// crashbox's permissions you hold.
import { fill, link, row, whoami } from "/static/dom.js";

const ALL = ["view_pii", "view_rawdump", "reprocess_crashes", "run_long_queries", "run_custom_queries",
             "upload_symbols", "admin"];
const status = document.getElementById("status");
const s = await whoami();
if (!s.user) {
  status.textContent = "";
  status.append("You are not signed in: ", link("/login?next=/profile/", "sign in"), ".");
} else {
  status.textContent = `Signed in as ${s.user} (${s.via === "proxy" ? "through the sign-on proxy" : s.via}).`;
  fill("permission-rows", ALL.map((p) => row([p, s.permissions.includes(p) ? "yes" : "no"])));
  document.getElementById("permissions").hidden = false;
  document.getElementById("more").hidden = false;
  if (s.csrf_token) {
    document.getElementById("csrf").value = s.csrf_token;
    document.getElementById("logout").hidden = false;
  }
}
