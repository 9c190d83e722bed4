// SPDX-License-Identifier: MPL-2.0
// The signature report in headless Chromium (Debian's, driven by
// playwright-core): summary, then each tab by keyboard, an aggregation on
// another field, a bug associated through the form. Prints one JSON object:
//   {"title", "total": summary text, "facets": [titles], "seen": [[label,
//    value]] (first and last seen), "uptimes": [[range, count]], "reports": n
//    rows, "columns": {"head": [th], "url": [_columns]} after adding uptime,
//    "page": text, "aggregation": [[value, count]], "graph": n days,
//    "chart": {"version": chartState, "head": [table header],
//              "platform": chartState after choosing platform, "platformHead",
//              "readout": the day read out after ArrowRight on the chart,
//              "narrow": chartState at 360 px, "wide": at 1280 px},
//    "bugs": [[id, signature, "Remove"]], "bugs_after": status once removed,
//    "comments": note, "errors": [...]}
// Usage: node signature_page.mjs http://127.0.0.1:PORT SIGNATURE
import { args, chartState, run } from "./harness.mjs";

const [base, signature] = args(["BASE_URL", "SIGNATURE"]);
await run(async (page) => {
  await page.goto(`${base}/signature/?signature=${encodeURIComponent(signature)}`);
  await page.waitForFunction(() => document.getElementById("summary-total").textContent !== "");
  const total = await page.textContent("#summary-total");
  await page.waitForFunction(() => [...document.querySelectorAll("#summary-facets h2")]
    .some((h) => h.textContent === "uptime range"));
  const facets = await page.$$eval("#summary-facets h2", (hs) => hs.map((h) => h.textContent));
  const rowsOf = (sel) => page.$$eval(sel, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const seenRows = await rowsOf("#summary-seen tr");
  const uptimes = await page.$$eval("#summary-facets > div:last-child tr",
                                    (trs) => trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[1].textContent)]));
  // Reports: the next tab, by keyboard.
  await page.focus("#tab-summary");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelectorAll("#report-rows tr").length > 0);
  const reports = (await rowsOf("#report-rows tr")).length;
  const pageText = await page.textContent("#page");
  // One more column, from the picker; the URL keeps it.
  await page.click("#column-picker summary");
  await page.check("#column-boxes input[value=uptime]");
  await page.waitForFunction(() => [...document.querySelectorAll("#report-head th")].some((th) => th.textContent === "uptime"));
  const columns = { head: await page.$$eval("#report-head th", (ths) => ths.map((th) => th.textContent)),
                    url: new URL(page.url()).searchParams.getAll("_columns") };
  await page.focus("#tab-reports");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelectorAll("#agg-rows tr").length > 0);
  await page.selectOption("#agg-field", "product");
  await page.waitForFunction(() => [...document.querySelectorAll("#agg-rows tr")]
    .every((tr) => !/^(Windows|Linux|Mac OS X)$/.test(tr.cells[0].textContent)));
  const aggregation = (await rowsOf("#agg-rows tr")).map((r) => [r[0], r[1]]);
  await page.focus("#tab-aggregations");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelectorAll("#graph-rows tr").length > 0);
  await page.waitForSelector("#graph-chart canvas");
  const graph = (await rowsOf("#graph-rows tr")).length;
  const headOf = () => page.$$eval("#graph-head th", (ths) => ths.map((th) => th.textContent));
  const chart = { version: await chartState(page, "#graph-chart"), head: await headOf() };
  // The chart by keyboard: Tab from the field's select reaches it, the
  // arrow keys read a day out.
  await page.focus("#graph-field");
  await page.keyboard.press("Tab");
  chart.focused = await page.evaluate(() => document.activeElement.classList.contains("chart"));
  await page.keyboard.press("ArrowRight");
  chart.readout = await page.textContent("#graph-chart .chart-readout");
  // Another split: the series become the platforms.
  await page.selectOption("#graph-field", "platform");
  await page.waitForFunction(() => document.getElementById("graph-caption").textContent.includes("platform") &&
                                   document.querySelector("#graph-chart canvas"));
  chart.platform = await chartState(page, "#graph-chart");
  chart.platformHead = await headOf();
  // It follows the width of the page.
  await page.setViewportSize({ width: 360, height: 800 });
  await page.waitForFunction(() => document.querySelector("#graph-chart canvas").getBoundingClientRect().width <= 340);
  chart.narrow = await chartState(page, "#graph-chart");
  chart.pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  if (process.env.SCREENSHOT) {
    await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, "-graph-360.png"), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForFunction(() => document.querySelector("#graph-chart canvas").getBoundingClientRect().width > 900);
  chart.wide = await chartState(page, "#graph-chart");
  await page.focus("#tab-graphs");
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
  return { title, total, facets, seen: seenRows, uptimes, reports, page: pageText, columns, aggregation, graph,
           chart, bugs, bugs_after: bugsAfter, comments };
});
