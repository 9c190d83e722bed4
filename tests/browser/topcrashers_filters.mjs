// SPDX-License-Identifier: MPL-2.0
// Top Crashers' report type filter and "Is GC" column in headless Chromium
// (Debian's, driven by playwright-core): opens /topcrashers/ for PRODUCT and
// VERSION with _report_type=any, then picks "hang" and then "crash" in the
// form by keyboard. Prints one JSON object:
//   {"any"|"hang"|"crash": {"url": the page's _report_type, "chosen": the
//    form's, "rows": [[signature, count, is gc]], "summary"}, "errors": [...]}
// Usage: node topcrashers_filters.mjs http://127.0.0.1:PORT PRODUCT VERSION
import { args, run } from "./harness.mjs";

const [base, product, version] = args(["BASE_URL", "PRODUCT", "VERSION"]);
await run(async (page) => {
  const q = encodeURIComponent;
  const seen = async () => {
    await page.waitForFunction(() => document.getElementById("status").textContent !== "Loading…");
    const gc = await page.$$eval("#table thead th", (ths) => ths.findIndex((th) => th.textContent === "Is GC"));
    return {
      url: new URL(page.url()).searchParams.get("_report_type"),
      chosen: await page.inputValue("#_report_type"),
      rows: await page.$$eval("#rows tr", (trs, at) => trs.map((tr) => [tr.cells[4].textContent,
        tr.cells[5].textContent, at < 0 ? null : tr.cells[at].textContent]), gc),
      summary: await page.textContent("#summary"),
    };
  };
  await page.goto(`${base}/topcrashers/?product=${q(product)}&version=${q(version)}&_report_type=any`);
  const out = { any: await seen() };
  for (const type of ["hang", "crash"]) {
    await page.focus("#_report_type");
    await page.selectOption("#_report_type", type);
    await page.focus("#filters button");
    await Promise.all([page.waitForURL(new RegExp(`_report_type=${type}`)), page.keyboard.press("Enter")]);
    out[type] = await seen();
  }
  return out;
});
