// SPDX-License-Identifier: MPL-2.0
// Symbols (/symbols/): upload a zip or a .sym with a progress bar (needs
// upload_symbols and a signed-in session: the request carries its CSRF
// token), and list the stored symbol files. File and module names are text.
import { api, fill, link, query, row, whoami } from "/static/dom.js";

const status = document.getElementById("status");

function showReport(report) {
  const rows = [];
  for (const [kind, label] of [["added", "added"], ["skipped", "already stored"], ["rejected", "rejected"]]) {
    for (const item of report[kind] || []) {
      rows.push(row([item.path, item.reason ? `${label}: ${item.reason}` : label]));
    }
  }
  fill("upload-rows", rows);
  document.getElementById("upload-result").hidden = rows.length === 0;
}

// XMLHttpRequest, not fetch: only it reports upload progress.
function upload(file, csrf) {
  const box = document.getElementById("progress-box");
  const bar = document.getElementById("upload-progress");
  const label = document.getElementById("progress-label");
  box.hidden = false;
  bar.value = 0;
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/upload/");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      bar.value = Math.round((100 * e.loaded) / e.total);
      label.textContent = `Uploading ${file.name}: ${bar.value}%`;
    });
    xhr.upload.addEventListener("load", () => { label.textContent = `Reading ${file.name}…`; });
    xhr.addEventListener("loadend", () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      resolve({ status: xhr.status, body });
    });
    xhr.send(file);
  });
}

async function list(prefix) {
  const { status: code, body } = await api(`/api/Symbols/?${query([["prefix", prefix]])}`);
  const note = document.getElementById("list-status");
  if (code !== 200) {
    note.textContent = `Could not list symbols: ${(body && body.error) || code}`;
    return;
  }
  fill("symbol-rows", body.hits.map((s) => {
    const cell = document.createElement("td");
    cell.appendChild(link(`/${s.path.split("/").map(encodeURIComponent).join("/")}`, s.path.split("/").pop()));
    return row([s.debug_file, s.debug_id, cell]);
  }));
  note.textContent = body.hits.length === 0 ? (prefix ? "No symbol file starts so." : "No symbol file is stored yet.")
    : body.more ? `The first ${body.hits.length}: narrow the list by name.` : `${body.hits.length} stored.`;
}

async function main() {
  document.getElementById("list-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    await list(new FormData(e.target).get("prefix"));
  });
  const listed = list("");
  const session = await whoami();
  if (!session.permissions.includes("upload_symbols")) {
    status.textContent = "";
    status.append(session.user ? "Uploading needs the upload_symbols permission." : "Sign in to upload symbols: ",
                  ...(session.user ? [] : [link("/login?next=/symbols/", "sign in"), "."]));
  } else if (!session.csrf_token && session.via !== "auth-off") {
    status.textContent = "Uploading from this page needs a signed-in session.";
  } else {
    document.getElementById("upload").hidden = false;
    document.getElementById("upload-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const file = document.getElementById("upload-file").files[0];
      if (!file) return;
      const submit = document.getElementById("upload-submit");
      submit.disabled = true;
      const r = await upload(file, session.csrf_token || "");
      submit.disabled = false;
      document.getElementById("progress-label").textContent =
        r.status === 201 ? `Uploaded ${file.name}.` : `Upload refused (${r.status}): ${(r.body && r.body.error) || "no answer"}`;
      if (r.body && Array.isArray(r.body.rejected)) {
        status.textContent = `${r.body.added.length} added, ${r.body.skipped.length} already stored, ` +
                             `${r.body.rejected.length} rejected.`;
        showReport(r.body);
        await list(document.getElementById("prefix").value);
      }
    });
  }
  await listed;
}
main().catch((e) => { status.textContent = `Could not load the symbols page: ${e.message}`; });
