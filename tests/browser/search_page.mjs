// SPDX-License-Identifier: MPL-2.0
// The Super Search page in headless Chromium (Debian's, driven by
// playwright-core): a search from its URL, a click on a facet value that
// narrows it, and a filter added through the form and sent with Enter.
// Prints one JSON object:
//   {"first": {"status", "rows"}, "narrowed": {"status", "rows", "url"},
//    "added": {"status", "url"}, "errors": [...]}
// Usage: node search_page.mjs http://127.0.0.1:PORT
import { args, run } from "./harness.mjs";

const [base] = args(["BASE_URL"]);
await run(async (page) => {
  const settled = () => page.waitForFunction(() => document.getElementById("status").textContent !== "Loading…");
  const seen = async () => ({ status: await page.textContent("#status"),
                              rows: await page.$$eval("#result-rows tr", (trs) => trs.length),
                              url: new URL(page.url()).search });
  await page.goto(`${base}/search/?product=Firefox`);
  await settled();
  const first = await seen();
  const facetLink = await page.$("#facet-rows a");
  await Promise.all([page.waitForURL(/signature=/), facetLink.click()]);
  await settled();
  const narrowed = await seen();
  await page.click("#add-filter");
  const boxes = await page.$$(".filter");
  const last = boxes[boxes.length - 1];
  const [field, operator, input] = await last.$$("select, input");
  await field.selectOption("platform");
  await operator.selectOption("");
  await input.fill("Linux");
  await Promise.all([page.waitForURL(/platform=Linux/), input.press("Enter")]);
  await settled();
  const added = await seen();
  return { first, narrowed, added };
});
