// SPDX-License-Identifier: MPL-2.0
// A newcomer's first minutes, in headless Chromium (Debian's, driven by
// playwright-core): open the server's page, land on the first-run form,
// create the admin by keyboard, see the home page signed in, sign out, sign
// in again through /login (a wrong password first). Prints what was seen as
// one JSON object:
//   {"landed": path, "after_setup": text, "after_logout": text,
//    "failed_login": text, "after_login": {"path", "who"},
//    "profile": {permission: "yes"|"no"}, "cookie": {"httpOnly", "sameSite"},
//    "errors": [...]}
// Usage: node first_run.mjs http://127.0.0.1:PORT
import { args, run } from "./harness.mjs";

const [base] = args(["BASE_URL"]);
await run(async (page) => {
  const who = async () => {
    await page.waitForFunction(() => document.getElementById("who").textContent !== "…");
    return page.textContent("#who");
  };

  await page.goto(`${base}/`);
  const landed = new URL(page.url()).pathname;
  // By keyboard: the name field has focus (autofocus, applied at the first
  // rendering after load: on a busy machine after `goto` returns, so wait
  // for it as a user would see it); Tab moves on; Enter submits.
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "username");
  await page.keyboard.type("ada");
  await page.keyboard.press("Tab");
  await page.keyboard.type("correct horse");
  await page.keyboard.press("Tab");
  await page.keyboard.type("correct horse");
  await Promise.all([page.waitForURL(`${base}/`), page.keyboard.press("Enter")]);
  const after_setup = await who();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "crashbox_session") || {};

  await Promise.all([page.waitForURL(`${base}/`), page.click("#logout button")]);
  const after_logout = await who();

  await page.goto(`${base}/login?next=/symbols/missing/`);
  await page.fill("#username", "ada");
  await page.fill("#password", "wrong password");
  await Promise.all([page.waitForURL(/failed=1/), page.click("button[type=submit]")]);
  const failed_login = await page.textContent("#message");
  await page.goto(`${base}/login?next=/`);
  await page.fill("#username", "ada");
  await page.fill("#password", "correct horse");
  await Promise.all([page.waitForURL(`${base}/`), page.press("#password", "Enter")]);
  const after_login = { path: new URL(page.url()).pathname, who: await who() };
  // The profile page, reached from the navigation bar's name.
  await Promise.all([page.waitForURL(`${base}/profile/`), page.click("#nav .who a")]);
  await page.waitForSelector("#permissions:not([hidden])");
  const profile = Object.fromEntries(await page.$$eval("#permission-rows tr",
    (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent])));
  return {
    landed, after_setup, after_logout, failed_login, after_login, profile,
    cookie: { httpOnly: session.httpOnly, sameSite: session.sameSite }
  };
});
