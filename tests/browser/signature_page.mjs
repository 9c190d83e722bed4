// SPDX-License-Identifier: MPL-2.0
// The signature report in headless Chromium (Debian's, driven by
// playwright-core): summary, then each tab by keyboard, an aggregation on
// another field, a bug associated through the form. Prints one JSON object:
//   {"title", "total": summary text, "facets": [titles], "reports": n rows,
//    "page": text, "aggregation": [[value, count]], "graph": n days,
//    "bugs": [[id, signature, "Remove"]], "bugs_after": status once removed,
//    "comments": note, "errors": [...]}
// Usage: node signature_page.mjs http://127.0.0.1:PORT SIGNATURE
import { args, run } from "./harness.mjs";

const [base, signature] = args(["BASE_URL", "SIGNATURE"]);
await run(async (page) => {
  await page.goto(`${base}/signature/?signature=${encodeURIComponent(signature)}`);
  await page.waitForFunction(() => document.getElementById("summary-total").textContent !== "");
  const total = await page.textContent("#summary-total");
  const facets = await page.$$eval("#summary-facets h2", (hs) => hs.map((h) => h.textContent));
  const rowsOf = (sel) => page.$$eval(sel, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  // Reports: the next tab, by keyboard.
  await page.focus("#tab-summary");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelectorAll("#report-rows tr").length > 0);
  const reports = (await rowsOf("#report-rows tr")).length;
  const pageText = await page.textContent("#page");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelectorAll("#agg-rows tr").length > 0);
  await page.selectOption("#agg-field", "product");
  await page.waitForFunction(() => [...document.querySelectorAll("#agg-rows tr")]
    .every((tr) => !/^(Windows|Linux|Mac OS X)$/.test(tr.cells[0].textContent)));
  const aggregation = (await rowsOf("#agg-rows tr")).map((r) => [r[0], r[1]]);
  await page.focus("#tab-aggregations");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelectorAll("#graph-rows tr").length > 0);
  const graph = (await rowsOf("#graph-rows tr")).length;
  await page.keyboard.press("ArrowRight");
  await page.waitForSelector("#bug-form:not([hidden])");
  await page.fill("#bug-id", "424242");
  await page.press("#bug-id", "Enter");
  await page.waitForFunction(() => document.querySelectorAll("#bug-rows tr").length > 0);
  const bugs = await rowsOf("#bug-rows tr");
  await page.click("#bug-rows button");
  await page.waitForFunction(() => document.querySelectorAll("#bug-rows tr").length === 0);
  const bugsAfter = await page.textContent("#bug-status");
  await page.focus("#tab-bugs");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.getElementById("comments-note").textContent !== "");
  const comments = await page.textContent("#comments-note");
  const title = await page.textContent("#signature");
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  return { title, total, facets, reports, page: pageText, aggregation, graph, bugs,
           bugs_after: bugsAfter, comments };
});
