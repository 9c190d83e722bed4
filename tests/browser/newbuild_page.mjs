// SPDX-License-Identifier: MPL-2.0
// "New in this build" in headless Chromium (Debian's, driven by
// playwright-core). Prints one JSON object:
//   {"compared": text, "fresh": [[signature, count, first build]],
//    "risen": [[signature, count, now, before, rise]], "errors": [...]}
// Usage: node newbuild_page.mjs http://127.0.0.1:PORT PRODUCT VERSION
import { chromium } from "playwright-core";

const [base, product, version] = process.argv.slice(2);
if (!base || !product || !version) {
  console.error("usage: node newbuild_page.mjs BASE_URL PRODUCT VERSION");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
  await page.goto(`${base}/newbuild/?product=${encodeURIComponent(product)}&version=${encodeURIComponent(version)}`);
  await page.waitForSelector("#result:not([hidden])", { timeout: 15000 });
  const rowsOf = (sel) => page.$$eval(sel, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  console.log(JSON.stringify({ compared: await page.textContent("#compared"), fresh: await rowsOf("#new-rows tr"),
                               risen: await rowsOf("#rise-rows tr"), errors }));
} finally {
  await browser.close();
}
