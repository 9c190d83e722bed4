// SPDX-License-Identifier: MPL-2.0
// The Super Search page in headless Chromium (Debian's, driven by
// playwright-core): a search from its URL, a click on a facet value that
// narrows it, and a filter added through the form and sent with Enter.
// Prints one JSON object:
//   {"first": {"status", "rows"} (after one 429), "narrowed": {"status",
//    "rows", "url"}, "refused": searches answered 429 (1),
//    "added": {"status", "url"}, "errors": [...]}
// Usage: node search_page.mjs http://127.0.0.1:PORT
import { args, run } from "./harness.mjs";

const [base] = args(["BASE_URL"]);
await run(async (page, expect) => {
  // The first search is refused as a busy server refuses it (429 with
  // Retry-After); the page asks again and shows the answer.
  let refused = 0;
  expect(1, 429);
  await page.route(/\/api\/SuperSearch\//, (route) => {
    if (refused++ > 0) return route.continue();
    return route.fulfill({ status: 429, headers: { "Retry-After": "1", "Content-Type": "application/json" },
                           body: JSON.stringify({ error: "Too many searches at once; retry in a moment" }) });
  });
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
  return { first, narrowed, added, refused: Math.min(refused, 1) };
});
