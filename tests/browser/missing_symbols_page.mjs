// SPDX-License-Identifier: MPL-2.0
// Opens crashbox's missing-symbols page in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) once its list has loaded, and
// prints what a reader sees as one JSON object:
//   {"status": "...", "headers": [...], "rows": [[...], ...],
//    "injected": <elements inside the table that the page did not make>,
//    "errors": [<page errors and console errors>]}
// Usage: node missing_symbols_page.mjs http://127.0.0.1:PORT
// (SCREENSHOT=file.png also saves what the page looks like.)
// Called by tests/e2e/browser_e2e_test.cc, which checks the output.
import { args, run } from "./harness.mjs";

const [base] = args(["BASE_URL"]);
await run(async (page) => {
  const failed = [];
  page.on("response", (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  const response = await page.goto(`${base}/symbols/missing/`);
  if (!response || response.status() !== 200) throw new Error(`page answered ${response && response.status()}`);
  await page.waitForFunction(() => document.getElementById("status").textContent !== "Loading…", null,
                             { timeout: 10000 });
  const seen = await page.evaluate(() => ({
    status: document.getElementById("status").textContent,
    headers: [...document.querySelectorAll("thead th")].map((th) => th.textContent),
    rows: [...document.querySelectorAll("#rows tr")].map((tr) => [...tr.cells].map((td) => td.textContent)),
    injected: document.querySelectorAll("#rows td *").length,
  }));
  return { ...seen, failed };
});
