// SPDX-License-Identifier: MPL-2.0
// API tokens in headless Chromium (Debian's, driven by playwright-core):
// sign in, create a token carrying view_pii with a note, see its key once,
// use it, revoke it, and see it refused. Prints one JSON object:
//   {"anonymous": text, "key": key, "listed": [[id, permissions, notes]],
//    "used": {"via", "permissions"}, "after_revoke": {"status", "error"},
//    "rows_after": n, "errors": [...]}
// Usage: node tokens_page.mjs http://127.0.0.1:PORT USER PASSWORD
import { chromium } from "playwright-core";

const [base, user, password] = process.argv.slice(2);
if (!base || !user || !password) {
  console.error("usage: node tokens_page.mjs BASE_URL USER PASSWORD");
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
  // The revoked token's own refusal (below) is a 403 the browser reports.
  let expected403 = 0;
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (/status of 403/.test(m.text()) && expected403 > 0) { expected403--; return; }
    errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${base}/api/tokens/`);
  await page.waitForFunction(() => document.getElementById("status").textContent !== "Loading…");
  const anonymous = await page.textContent("#status");
  await page.click("#status a");
  await page.fill("#username", user);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(`${base}/api/tokens/`), page.press("#password", "Enter")]);
  await page.waitForSelector("#create:not([hidden])");
  await page.check("input[value=view_pii]");
  await page.fill("#notes", "<b>ci</b> upload");
  await page.click("#token-form button[type=submit]");
  await page.waitForSelector("#new-key:not([hidden])");
  const key = await page.textContent("#key");
  await page.waitForSelector("#list:not([hidden])");
  const listed = await page.$$eval("#token-rows tr", (trs) => trs.map((tr) => [...tr.cells].slice(0, 3)
    .map((c) => c.textContent)));
  const call = (k) => page.evaluate(async (token) => {
    const r = await fetch("/api/Session/", { credentials: "omit", headers: { "Auth-Token": token } });
    return { status: r.status, body: await r.json() };
  }, k);
  const used = (await call(key)).body;
  await page.click("#token-rows button");
  await page.waitForFunction(() => /Revoked/.test(document.getElementById("status").textContent));
  expected403 = 1;
  const refused = await call(key);
  const rowsAfter = await page.$$eval("#token-rows tr", (trs) => trs.length);
  console.log(JSON.stringify({ anonymous, key, listed, used: { via: used.via, permissions: used.permissions },
                               after_revoke: { status: refused.status, error: refused.body.error },
                               rows_after: rowsAfter, errors }));
} finally {
  await browser.close();
}
