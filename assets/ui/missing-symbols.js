// SPDX-License-Identifier: MPL-2.0
// The missing-symbols page: the table read from /api/MissingSymbols/.
// Values come from crash reports: inserted as text, never as HTML.
const columns = ["debug_file", "debug_id", "code_file", "code_id", "version", "count", "last_seen"];
const status = document.getElementById("status");
fetch("/api/MissingSymbols/")
  .then((r) => r.ok ? r.json() : r.text().then((t) => Promise.reject(new Error(r.status + " " + t))))
  .then((data) => {
    const body = document.getElementById("rows");
    for (const hit of data.hits) {
      const tr = document.createElement("tr");
      for (const c of columns) {
        const td = document.createElement("td");
        td.textContent = hit[c] === undefined || hit[c] === null ? "" : String(hit[c]);
        if (c === "count") td.className = "count";
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    status.textContent = data.total === 0 ? "No missing symbols." : data.total + (data.total === 1 ? " module." : " modules.");
  })
  .catch((e) => { status.textContent = "Could not load the list: " + e.message; });
