// SPDX-License-Identifier: MPL-2.0
// The API documentation page in headless Chromium (Debian's, driven by
// playwright-core): tries NoOp through its form and reads the field table.
// Prints {"endpoints": n, "answer": text, "fields": text, "protected": n,
// "errors": [...]}.
// Usage: node apidocs_page.mjs http://127.0.0.1:PORT
import { args, run } from "./harness.mjs";

const [base] = args(["BASE_URL"]);
await run(async (page) => {
  await page.goto(`${base}/api/`);
  await page.waitForFunction(() => document.getElementById("fields-status").textContent !== "Loading…");
  const endpoints = await page.$$eval("#endpoints h2", (hs) => hs.length);
  const noop = page.locator("section", { hasText: "GET /api/NoOp/" });
  await noop.locator("input[name=product]").fill("Firefox");
  await noop.locator("input[name=product]").press("Enter");
  await noop.locator("pre:not([hidden])").waitFor();
  const answer = await noop.locator("pre").textContent();
  const fields = await page.textContent("#fields-status");
  const protectedCount = await page.$$eval("#field-rows tr", (trs) => trs.filter((tr) => tr.cells[2].textContent === "yes").length);
  return { endpoints, answer, fields, protected: protectedCount };
});
