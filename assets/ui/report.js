// SPDX-License-Identifier: MPL-2.0
// The report view, /report/index/<crash id> (Socorro's URL; bp-<id> too):
// the processed crash, its annotations, modules and raw data, from the
// crash API. Every value comes from a crash report and is inserted as text,
// never as HTML. A crash not processed yet shows a pending notice and is
// asked for again until it is.
import { api, fill, link, row, text, whoami } from "/static/dom.js";
import { wireTabs } from "/static/tabs.js";

const status = document.getElementById("status");
const raw = decodeURIComponent(location.pathname.replace(/^\/report\/index\/?/, ""));
const id = raw.replace(/^bp-/, "").trim().toLowerCase();

// Socorro's frame label: the function, else file#line, else
// module@0x<offset>, else @<offset>.
function frameLabel(f) {
  if (f.function) return f.function;
  if (f.file && f.line) return `${f.file}#${f.line}`;
  if (f.module) return `${f.module}@${f.module_offset || ""}`;
  return `@${f.offset || ""}`;
}
function frameRows(frames) {
  return (frames || []).map((f) => row([
    f.frame, f.module || "", frameLabel(f), f.file ? `${f.file}${f.line ? ":" + f.line : ""}` : "", f.trust || "",
  ]));
}

function renderDetails(p) {
  const jd = p.json_dump || {};
  const info = jd.crash_info || {};
  const facts = [
    ["Signature", p.signature], ["Product", p.product], ["Version", p.version],
    ["Build ID", p.build], ["Release channel", p.release_channel],
    ["Process type", p.process_type], ["OS", p.os_pretty_version || p.os_name],
    ["CPU", [p.cpu_arch, p.cpu_info].filter(Boolean).join(" · ")],
    ["Crash reason", p.reason || info.type], ["Crash address", p.address || info.address],
    ["MOZ_CRASH reason", p.moz_crash_reason], ["Uptime (s)", p.uptime],
    ["Install age (s)", p.install_age], ["Processed", p.date_processed],
  ].filter(([, v]) => v !== undefined && v !== null && v !== "");
  fill("facts", facts.map(([k, v]) => row([text("th", k), v])));
  fill("frames", frameRows((jd.crashing_thread || {}).frames));
  const button = document.getElementById("show-threads");
  button.addEventListener("click", () => {
    const box = document.getElementById("threads");
    box.replaceChildren();
    (jd.threads || []).forEach((t, i) => {
      box.appendChild(text("h3", `Thread ${i}${t.thread_name ? " · " + t.thread_name : ""}`));
      const table = document.createElement("table");
      const body = document.createElement("tbody");
      body.replaceChildren(...frameRows(t.frames));
      table.appendChild(body);
      box.appendChild(table);
    });
    button.hidden = true;
  }, { once: true });
}

function renderModules(p) {
  const modules = (p.json_dump || {}).modules || [];
  fill("module-rows", modules.map((m) => {
    const symbols = document.createElement("td");
    if (m.missing_symbols) {
      symbols.appendChild(link("/symbols/missing/", "missing"));
    } else {
      symbols.textContent = m.loaded_symbols ? "loaded" : "";
    }
    return row([m.filename, m.version, m.debug_file, m.debug_id, symbols]);
  }));
}

function renderRaw(p, session) {
  document.getElementById("raw-json").textContent = JSON.stringify(p.json_dump || {}, null, 2);
  const links = document.getElementById("raw-links");
  const add = (href, label) => links.append(link(href, label), " ");
  add(`/api/ProcessedCrash/?crash_id=${id}`, "Processed crash (JSON)");
  add(`/api/RawCrash/?crash_id=${id}`, "Raw crash (JSON)");
  if (session.permissions.includes("view_rawdump")) {
    add(`/api/RawCrash/?crash_id=${id}&format=raw`, "Minidump");
  }
}

async function renderAnnotations(session) {
  const { status: code, body } = await api(`/api/RawCrash/?crash_id=${id}`);
  if (code !== 200 || !body) return;
  const keys = Object.keys(body).filter((k) => k !== "metadata")
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  fill("annotation-rows", keys.map((k) => row([k, typeof body[k] === "string" ? body[k] : JSON.stringify(body[k])])));
  document.getElementById("annotations-note").textContent = session.permissions.includes("view_pii")
    ? "All annotations, protected ones included."
    : "Public annotations only: protected ones need the view_pii permission.";
}

function renderDebug(p, session) {
  document.getElementById("notes").textContent = [].concat(p.processor_notes || []).join("\n");
  document.getElementById("history").textContent = [].concat(p.processor_history || []).join("\n");
  if (!session.permissions.includes("reprocess_crashes")) return;
  document.getElementById("reprocess-box").hidden = false;
  const out = document.getElementById("reprocess-status");
  document.getElementById("reprocess").addEventListener("click", async () => {
    const headers = { "Content-Type": "application/x-www-form-urlencoded" };
    if (session.csrf_token) headers["X-CSRF-Token"] = session.csrf_token;
    const r = await fetch("/api/Reprocessing/", {
      method: "POST", headers, body: `crash_ids=${encodeURIComponent(id)}`, credentials: "same-origin",
    });
    out.textContent = r.ok ? "Queued: reload in a moment for the new result." : `Refused (${r.status}).`;
  });
}

async function main() {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    status.textContent = "This is not a crash id.";
    return;
  }
  document.getElementById("title").textContent = `Crash ${id}`;
  // Who the visitor is, asked while the crash is fetched.
  const who = whoami();
  for (let attempt = 0; ; attempt++) {
    const { status: code, body } = await api(`/api/ProcessedCrash/?crash_id=${id}`);
    if (code === 200 && body) {
      const session = await who;
      status.textContent = "";
      status.hidden = true;
      document.getElementById("report").hidden = false;
      wireTabs("details");
      renderDetails(body);
      renderModules(body);
      renderRaw(body, session);
      renderDebug(body, session);
      await renderAnnotations(session);
      return;
    }
    const raw = await api(`/api/RawCrash/?crash_id=${id}`);
    if (raw.status !== 200) {
      status.textContent = "No crash with this id is stored here.";
      return;
    }
    // Stored, not processed yet: the API queued it with priority.
    status.textContent = "This crash is being processed; the page refreshes when it is done.";
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 + attempt * 250)));
  }
}
main().catch((e) => { status.textContent = `Could not load the report: ${e.message}`; });
