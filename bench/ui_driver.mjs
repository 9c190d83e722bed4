// SPDX-License-Identifier: MPL-2.0
// The half of bench/ui.sh that drives Chromium: for each page, the time
// from navigation to its data on screen (a page-specific element filled),
// one warm-up then LOADS loads; prints median and p95 per page.
// Usage: node bench/ui_driver.mjs BASE_URL CRASH_ID LOADS
import { chromium } from "../tests/browser/node_modules/playwright-core/index.mjs";

const [base, id, loadsText] = process.argv.slice(2);
const loads = Number(loadsText || 10);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
// [name, path, what means "the data is on screen"]
const pages = [
  ["home", "/", () => document.querySelectorAll("#product-rows tr").length > 0],
  ["product", "/home/product/Firefox", () => document.querySelectorAll("#day-rows tr").length > 0],
  ["topcrashers", "/topcrashers/?product=Firefox&version=", null],
  ["signature", null, () => document.getElementById("summary-total").textContent !== ""],
  ["report", `/report/index/${id}`, () => !document.getElementById("report").hidden &&
                                          document.querySelectorAll("#frames tr").length > 0],
  ["search", "/search/?product=Firefox", () => document.querySelectorAll("#result-rows tr").length > 0],
  ["newbuild", null, () => !document.getElementById("result").hidden],
  ["api", "/api/", () => document.querySelectorAll("#field-rows tr").length > 0],
];
try {
  const page = await browser.newPage();
  // Parameters the data picks: the busiest version and signature.
  const ask = async (q) => (await (await fetch(`${base}/api/SuperSearch/?${q}`)).json());
  const version = (await ask("product=Firefox&_facets=version&_results_number=0")).facets.version[0].term;
  const signature = (await ask("product=Firefox&_facets=signature&_results_number=0")).facets.signature[0].term;
  pages[2][1] = `/topcrashers/?product=Firefox&version=${encodeURIComponent(version)}`;
  pages[2][2] = () => !document.getElementById("table").hidden;
  pages[3][1] = `/signature/?signature=${encodeURIComponent(signature)}`;
  pages[6][1] = `/newbuild/?product=Firefox&version=${encodeURIComponent(version)}`;
  console.log("page          median      p95");
  for (const [name, path, ready] of pages) {
    const times = [];
    for (let i = 0; i <= loads; i++) {
      const t0 = performance.now();
      await page.goto(`${base}${path}`);
      await page.waitForFunction(ready, null, { timeout: 30000, polling: "raf" });
      if (i > 0) times.push(performance.now() - t0);  // the first is a warm-up
    }
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    console.log(`${name.padEnd(12)} ${at(0.5).toFixed(1).padStart(7)} ${at(0.95).toFixed(1).padStart(8)}`);
  }
} finally {
  await browser.close();
}
