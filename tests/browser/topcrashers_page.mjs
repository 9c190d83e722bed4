// SPDX-License-Identifier: MPL-2.0
// Top Crashers in headless Chromium (Debian's, driven by playwright-core):
// opens /topcrashers/?product=P without a version (the page picks the
// newest active one), waits for the table, then picks 3 days by keyboard
// and submits the form. Prints one JSON object:
//   {"home": [{"product", "week", "versions": [links]}],
//    "productPage": {"versions": [...], "days": n, "chart": chartState}, "version": chosen, "title",
//    "summary", "head": [column names], "reportType": the form's report type, "rows": [[rank, signature, count]],
//    "links": n signature links, "csv": first CSV line, "after": {"days",
//    "rows"}, "errors": [...]}
// Usage: node topcrashers_page.mjs http://127.0.0.1:PORT PRODUCT
import { args, chartState, run } from "./harness.mjs";

const [base, product] = args(["BASE_URL", "PRODUCT"]);
await run(async (page) => {
  // The home page lists the product with links into Top Crashers.
  await page.goto(`${base}/`);
  await page.waitForSelector("#products:not([hidden])", { timeout: 15000 });
  const home = await page.$$eval("#product-rows tr", (trs) => trs.map((tr) => ({
    product: tr.cells[0].textContent, week: tr.cells[1].textContent,
    versions: [...tr.cells[2].querySelectorAll("a")].map((a) => a.getAttribute("href")),
  })));
  // Its product page: versions with their crashes this week, per-day counts.
  await page.goto(`${base}/home/product/${encodeURIComponent(product)}`);
  await page.waitForFunction(() => document.getElementById("status").textContent !== "Loading…");
  const productPage = {
    versions: await page.$$eval("#version-rows tr", (trs) => trs.map((tr) => tr.cells[0].textContent)),
    days: await page.$$eval("#day-rows tr", (trs) => trs.length),
  };
  await page.waitForSelector("#day-chart canvas");
  productPage.chart = await chartState(page, "#day-chart");
  await page.goto(`${base}/topcrashers/?product=${encodeURIComponent(product)}`);
  await page.waitForURL(/version=/);
  await page.waitForSelector("#table:not([hidden])", { timeout: 15000 });
  const version = new URL(page.url()).searchParams.get("version");
  const rows = await page.$$eval("#rows tr", (trs) => trs.map((tr) => [tr.cells[0].textContent,
    tr.cells[4].textContent, tr.cells[5].textContent]));
  const links = await page.$$eval("#rows td a", (as) => as.filter((a) => a.getAttribute("href").startsWith("/signature/?")).length);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  const csvText = await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString());
  const title = await page.textContent("#title");
  const head = await page.$$eval("#table thead th", (ths) => ths.map((th) => th.textContent));
  const reportType = await page.inputValue("#_report_type");
  const summary = await page.textContent("#summary");
  // By keyboard: focus Days, choose 3, submit with Enter on the button.
  await page.focus("#days");
  await page.selectOption("#days", "3");
  await page.focus("#filters button");
  await Promise.all([page.waitForURL(/days=3/), page.keyboard.press("Enter")]);
  await page.waitForFunction(() => document.getElementById("status").textContent !== "Loading…");
  const after = { days: new URL(page.url()).searchParams.get("days"),
                  rows: await page.$$eval("#rows tr", (trs) => trs.length) };
  return { home, productPage, version, title, summary, head, reportType, rows, links,
           csv: csvText.split("\r\n")[0], after };
}, { context: { acceptDownloads: true } });
