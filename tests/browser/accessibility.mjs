// SPDX-License-Identifier: MPL-2.0
// Every page at 360 px and 1280 px wide in headless Chromium (Debian's,
// driven by playwright-core): axe-core's serious and critical WCAG 2 A/AA
// violations, and a screenshot of each into DIR (the test's artifacts).
// The signature report is seen twice: as it opens, and on its Graphs tab
// (the chart drawn; keyed "<path>#graphs").
// Prints {"pages": {path: {"360": [violations], "1280": [...]}}, "errors"}.
// Usage: node accessibility.mjs BASE_URL DIR CRASH_ID SIGNATURE PRODUCT
import { args, axe, run } from "./harness.mjs";

const [base, dir, id, signature, product] = args(["BASE_URL", "DIR", "CRASH_ID", "SIGNATURE", "PRODUCT"]);
const q = encodeURIComponent;
const pages = [["home", "/"], ["product", `/home/product/${q(product)}`],
               ["topcrashers", `/topcrashers/?product=${q(product)}`], ["signature", `/signature/?signature=${q(signature)}`],
               ["report", `/report/index/${id}`], ["search", `/search/?product=${q(product)}`],
               ["newbuild", `/newbuild/?product=${q(product)}`], ["missing-symbols", "/symbols/missing/"],
               ["signature-graphs", `/signature/?signature=${q(signature)}`, async (page) => {
                 await page.click("#tab-graphs");
                 await page.waitForSelector("#graph-chart canvas");
               }],
               ["api", "/api/"], ["tokens", "/api/tokens/"], ["profile", "/profile/"], ["login", "/login"]];
await run(async (page) => {
  const seen = {};
  for (const [name, path, prepare] of pages) {
    const key = prepare ? `${path}#${name.replace(/^.*-/, "")}` : path;
    seen[key] = {};
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}${path}`);
      await page.waitForLoadState("networkidle");
      if (prepare) {
        await prepare(page);
        await page.waitForLoadState("networkidle");
      }
      seen[key][width] = await axe(page);
      await page.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
    }
  }
  return { pages: seen };
}, { context: { bypassCSP: true } });
