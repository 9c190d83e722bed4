// SPDX-License-Identifier: MPL-2.0
// API tokens in headless Chromium (Debian's, driven by playwright-core):
// sign in, create a token carrying view_pii with a note, see its key once,
// use it, revoke it, and see it refused. Prints one JSON object:
//   {"anonymous": text, "key": key, "listed": [[id, permissions, notes]],
//    "used": {"via", "permissions"}, "after_revoke": {"status", "error"},
//    "rows_after": n, "errors": [...]}
// Usage: node tokens_page.mjs http://127.0.0.1:PORT USER PASSWORD
import { args, run } from "./harness.mjs";

const [base, user, password] = args(["BASE_URL", "USER", "PASSWORD"]);
await run(async (page, expect) => {
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
  expect(1, 403);
  const refused = await call(key);
  const rowsAfter = await page.$$eval("#token-rows tr", (trs) => trs.length);
  return { anonymous, key, listed, used: { via: used.via, permissions: used.permissions },
           after_revoke: { status: refused.status, error: refused.body.error }, rows_after: rowsAfter };
});
