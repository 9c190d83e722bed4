// SPDX-License-Identifier: MPL-2.0
// The first-run page: both passwords must match before the form is sent.
document.getElementById("setup").addEventListener("submit", (e) => {
  const p = document.getElementById("password").value;
  if (p !== document.getElementById("password2").value) {
    e.preventDefault();
    const m = document.getElementById("message");
    m.textContent = "The two passwords differ.";
    m.hidden = false;
  }
});
