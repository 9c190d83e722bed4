// SPDX-License-Identifier: MPL-2.0
// "New in this build" in headless Chromium (Debian's, driven by
// playwright-core). Prints one JSON object:
//   {"compared": text, "fresh": [[signature, count, first build]],
//    "risen": [[signature, count, now, before, rise]], "errors": [...]}
// Usage: node newbuild_page.mjs http://127.0.0.1:PORT PRODUCT VERSION
import { args, run } from "./harness.mjs";

const [base, product, version] = args(["BASE_URL", "PRODUCT", "VERSION"]);
await run(async (page) => {
  await page.goto(`${base}/newbuild/?product=${encodeURIComponent(product)}&version=${encodeURIComponent(version)}`);
  await page.waitForSelector("#result:not([hidden])", { timeout: 15000 });
  const rowsOf = (sel) => page.$$eval(sel, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  return { compared: await page.textContent("#compared"), fresh: await rowsOf("#new-rows tr"),
                               risen: await rowsOf("#rise-rows tr") };
});
