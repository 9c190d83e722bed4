// SPDX-License-Identifier: MPL-2.0
// The sign-in page: says why a sign-in failed, and keeps where to go next.
const q = new URLSearchParams(location.search);
if (q.has("failed")) {
  const m = document.getElementById("message");
  m.textContent = "Wrong user name or password.";
  m.hidden = false;
}
if (q.has("next")) document.getElementById("next").value = q.get("next");
