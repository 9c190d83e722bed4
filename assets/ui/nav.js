// SPDX-License-Identifier: MPL-2.0
// The navigation bar of every page (its <nav id="nav">): the pages,
// and who is signed in. The name comes from an account or a proxy: text.
import { link, text, whoami } from "/static/dom.js";

const nav = document.getElementById("nav");
const pages = [["/", "crashbox"], ["/topcrashers/", "Top Crashers"], ["/search/", "Super Search"],
               ["/newbuild/", "New in this build"], ["/symbols/", "Symbols"],
               ["/api/", "API"], ["/api/tokens/", "API tokens"]];
const list = document.createElement("ul");
function addPage(href, label) {
  const item = document.createElement("li");
  const a = link(href, label);
  if (location.pathname === href) a.setAttribute("aria-current", "page");
  item.appendChild(a);
  list.appendChild(item);
}
for (const [href, label] of pages) addPage(href, label);
const who = text("span", "", "who");
nav.replaceChildren(list, who);
nav.setAttribute("aria-label", "Pages");

// The site's status message (an admin sets it on /siteadmin/), as text.
fetch("/api/StatusMessage/", { credentials: "same-origin" })
  .then((r) => (r.ok ? r.json() : null))
  .then((m) => {
    if (!m || !m.message) return;
    const severity = ["info", "warning", "critical"].includes(m.severity) ? m.severity : "info";
    const banner = text("p", m.message, `banner banner-${severity}`);
    banner.id = "site-status";
    banner.setAttribute("role", severity === "critical" ? "alert" : "status");
    nav.after(banner);
  })
  .catch(() => {});

const s = await whoami();
if (s.permissions.includes("admin")) addPage("/siteadmin/", "Admin");
if (s.user) who.appendChild(link("/profile/", s.user));
else if (s.via !== "auth-off") who.appendChild(link(`/login?next=${encodeURIComponent(location.pathname)}`, "Sign in"));

// A table wider than the screen scrolls on its own (crashbox.css): make it
// reachable by keyboard then, as the tables fill in after their data loads.
function focusableWhenScrolling() {
  for (const table of document.querySelectorAll("table")) {
    if (table.scrollWidth > table.clientWidth) table.tabIndex = 0;
    else table.removeAttribute("tabindex");
  }
}
let pending = false;
const later = () => {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; focusableWhenScrolling(); });
};
new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
addEventListener("resize", later);
later();
