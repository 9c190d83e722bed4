// SPDX-License-Identifier: MPL-2.0
// The report view in headless Chromium (Debian's, driven by playwright-core):
// opens /report/index/bp-<id> while the first two answers of the processed
// crash API say "not yet" (the pending notice), waits for the report, walks
// its tabs by keyboard and shows the other threads, and prints what a reader
// sees as one JSON object:
//   {"pending": text, "title", "facts": {label: value}, "frames": [[...]],
//    "threads": n, "modules": [[...]], "annotations": {name: value},
//    "tabs": [names selected by ArrowRight], "injected": n, "dialogs": n,
//    "errors": [...]}
// "injected" counts elements inside value cells that the page did not make.
// Usage: node report_page.mjs http://127.0.0.1:PORT CRASH_ID
import { args, run } from "./harness.mjs";

const [base, id] = args(["BASE_URL", "CRASH_ID"]);
await run(async (page, expect) => {
  let dialogs = 0;
  page.on("dialog", async (d) => { dialogs++; await d.dismiss(); });
  // The two "not yet" answers below are 404s the browser reports.
  expect(2, 404);
  let held = 0;
  await page.route("**/api/ProcessedCrash/**", async (route) => {
    if (held++ < 2) {
      await route.fulfill({ status: 404, contentType: "application/json",
                            body: JSON.stringify({ error: `Not found: CrashIDNotFound ${id}` }) });
    } else {
      await route.continue();
    }
  });
  await page.goto(`${base}/report/index/bp-${id}`);
  await page.waitForFunction(() => /being processed/.test(document.getElementById("status").textContent));
  const pending = await page.textContent("#status");
  await page.waitForSelector("#report:not([hidden])", { timeout: 15000 });
  await page.waitForFunction(() => document.querySelectorAll("#annotation-rows tr").length > 0);
  const cells = (sel) => page.$$eval(sel, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const facts = Object.fromEntries(await cells("#facts tr"));
  const frames = await cells("#frames tr");
  const modules = await cells("#module-rows tr");
  const annotations = Object.fromEntries(await cells("#annotation-rows tr"));
  await page.click("#show-threads");
  const threads = await page.$$eval("#threads h3", (hs) => hs.length);
  const tabs = [];
  await page.focus("#tab-details");
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press("ArrowRight");
    tabs.push(await page.$eval("[role=tab][aria-selected=true]", (t) => t.getAttribute("aria-controls")));
  }
  const injected = await page.$$eval("#facts td *, #frames td *, #annotation-rows td *, #threads td *",
                                     (els) => els.length);
  const title = await page.textContent("#title");
  return { pending, title, facts, frames, threads, modules, annotations, tabs, injected, dialogs };
});
