// SPDX-License-Identifier: MPL-2.0
// The navigation bar of every page (its <nav id="nav">): the pages,
// and who is signed in. The name comes from an account or a proxy: text.
import { api, link, text } from "/static/dom.js";

const nav = document.getElementById("nav");
const pages = [["/", "crashbox"], ["/topcrashers/", "Top Crashers"], ["/search/", "Super Search"],
               ["/newbuild/", "New in this build"], ["/symbols/missing/", "Missing symbols"],
               ["/api/", "API"], ["/api/tokens/", "API tokens"]];
const list = document.createElement("ul");
for (const [href, label] of pages) {
  const item = document.createElement("li");
  const a = link(href, label);
  if (location.pathname === href) a.setAttribute("aria-current", "page");
  item.appendChild(a);
  list.appendChild(item);
}
const who = text("span", "", "who");
nav.replaceChildren(list, who);
nav.setAttribute("aria-label", "Pages");
const s = (await api("/api/Session/")).body || {};
if (s.user) who.appendChild(link("/profile/", s.user));
else if (s.via !== "auth-off") who.appendChild(link(`/login?next=${encodeURIComponent(location.pathname)}`, "Sign in"));
