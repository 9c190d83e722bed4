// SPDX-License-Identifier: MPL-2.0
// Site administration and the symbols page in headless Chromium (Debian's,
// driven by playwright-core), signed in as an admin: create and edit a user
// through the form, set the status banner (hostile text), associate and
// remove a bug, read the audit log, upload a .sym with its progress bar,
// and check both pages with axe-core at 360 and 1280 px (screenshots into
// DIR). Prints one JSON object:
//   {"anonymous": text, "bad_name": text, "users": [[name, active, groups]],
//    "banner": {"text", "class", "pwned"}, "bugs_added": [[id, signature]],
//    "bugs_after": n, "audit": [actions], "upload": {"label", "progress",
//    "result": [[file, result]], "listed": [[debug_file, debug_id, file]]},
//    "axe": {path: {"360": [...], "1280": [...]}}, "errors": [...]}
// Usage: node admin_page.mjs BASE_URL DIR USER PASSWORD
import { args, axe, run } from "./harness.mjs";

const [base, dir, user, password] = args(["BASE_URL", "DIR", "USER", "PASSWORD"]);
const sym = "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 libdemo.so\nFUNC 1000 10 0 demo\n";
const statusIs = (page, re) => page.waitForFunction((s) => new RegExp(s).test(document.getElementById("status").textContent), re.source);

await run(async (page, expect) => {
  await page.goto(`${base}/siteadmin/`);
  await page.waitForFunction(() => document.getElementById("status").textContent !== "Loading…");
  const anonymous = await page.textContent("#status");
  await page.click("#status a");
  await page.fill("#username", user);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(`${base}/siteadmin/`), page.press("#password", "Enter")]);
  await page.waitForSelector("#admin:not([hidden])");

  // A name the server refuses: its message, nothing created.
  expect(1, 400);
  await page.fill("#user-name", "<img src=x>");
  await page.fill("#user-password", "password-3");
  await page.click("#user-submit");
  await statusIs(page, /Could not save/);
  const badName = await page.textContent("#status");
  await page.fill("#user-name", "bob");
  await page.fill("#user-password", "password-3");
  await page.check("#group-boxes input[value=Hackers]");
  await page.click("#user-submit");
  await statusIs(page, /Created bob/);
  await page.click("button[aria-label='Edit bob']");
  await page.uncheck("#user-active");
  await page.click("#user-submit");
  await statusIs(page, /Saved bob/);
  const users = await page.$$eval("#user-rows tr", (trs) => trs.map((tr) => [...tr.cells].slice(0, 3).map((c) => c.textContent)));

  // The tabs by keyboard: Users → Status message.
  await page.focus("#tab-users");
  await page.keyboard.press("ArrowRight");
  await page.waitForSelector("#banner:not([hidden])");
  await page.waitForSelector("#banner-fields:not([disabled])");  // the current message loaded
  await page.fill("#banner-message", "<script>window.pwned = 1</script> maintenance at 18:00");
  await page.selectOption("#banner-severity", "warning");
  await page.click("#banner-form button[type=submit]");
  await statusIs(page, /shown on every page/);
  await page.goto(`${base}/topcrashers/`);
  await page.waitForSelector("#site-status");
  const banner = { text: await page.textContent("#site-status"),
                   class: await page.getAttribute("#site-status", "class"),
                   pwned: await page.evaluate(() => window.pwned === undefined ? null : window.pwned) };

  await page.goto(`${base}/siteadmin/`);
  await page.waitForSelector("#admin:not([hidden])");
  await page.click("#tab-bugs");
  await page.fill("#bug-id", "42");
  await page.fill("#bug-signature", "<b>sig</b> | x");
  await page.click("#bug-form button[type=submit]");
  await page.waitForSelector("#bug-rows tr");
  const bugsAdded = await page.$$eval("#bug-rows tr", (trs) => trs.map((tr) => [...tr.cells].slice(0, 2).map((c) => c.textContent)));
  await page.click("#bug-rows button");
  await statusIs(page, /Removed bug 42/);
  await page.waitForFunction(() => document.querySelectorAll("#bug-rows tr").length === 0);
  const bugsAfter = await page.$$eval("#bug-rows tr", (trs) => trs.length);

  await page.click("#tab-audit");
  await page.waitForSelector("#audit-rows tr");
  const audit = await page.$$eval("#audit-rows tr", (trs) => trs.map((tr) => tr.cells[3].textContent));

  // Symbols: upload one .sym, watch the bar fill, see it listed.
  await page.goto(`${base}/symbols/`);
  await page.waitForSelector("#upload:not([hidden])");
  await page.setInputFiles("#upload-file", { name: "demo.sym", mimeType: "text/plain", buffer: Buffer.from(sym) });
  await page.click("#upload-submit");
  await page.waitForFunction(() => /Uploaded|refused/.test(document.getElementById("progress-label").textContent));
  await page.waitForSelector("#symbol-rows tr");
  const upload = {
    label: await page.textContent("#progress-label"),
    progress: await page.$eval("#upload-progress", (p) => p.value),
    result: await page.$$eval("#upload-rows tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent))),
    listed: await page.$$eval("#symbol-rows tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent))),
  };

  // axe needs its script injected: a second context without the CSP,
  // signed in with the same cookie.
  const checker = await page.context().browser().newContext({ bypassCSP: true });
  await checker.addCookies(await page.context().cookies());
  const other = await checker.newPage();
  const seen = {};
  for (const [name, path, ready] of [["admin", "/siteadmin/", "#admin:not([hidden])"], ["symbols", "/symbols/", "#upload:not([hidden])"]]) {
    seen[path] = {};
    for (const width of [360, 1280]) {
      await other.setViewportSize({ width, height: 900 });
      await other.goto(`${base}${path}`);
      await other.waitForSelector(ready);
      await other.waitForLoadState("networkidle");
      seen[path][width] = await axe(other);
      await other.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
    }
  }
  await checker.close();
  return { anonymous, bad_name: badName, users, banner, bugs_added: bugsAdded, bugs_after: bugsAfter, audit, upload, axe: seen };
});
