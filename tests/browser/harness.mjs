// SPDX-License-Identifier: MPL-2.0
// What every page script shares: Debian's Chromium, headless, driven by
// playwright-core; a page whose errors are collected (page errors, console
// errors, and failed responses unless the script expects them); the result
// printed as one JSON object with those errors added.
import { chromium } from "playwright-core";

// Runs `fn(page, expect)` and prints {...its result, errors}. `expect(n,
// status)` lets the next `n` console reports of HTTP `status` pass (the
// page's own expected refusals).
export async function run(fn, { context = {} } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  try {
    const page = await (await browser.newContext(context)).newPage();
    const errors = [];
    const allowed = new Map();
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      const status = (/status of (\d+)/.exec(m.text()) || [])[1];
      if (status && allowed.get(status) > 0) {
        allowed.set(status, allowed.get(status) - 1);
        return;
      }
      errors.push(`console: ${m.text()}`);
    });
    const expect = (n, status) => allowed.set(String(status), (allowed.get(String(status)) || 0) + n);
    const result = await fn(page, expect);
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    console.log(JSON.stringify({ ...result, errors }));
  } finally {
    await browser.close();
  }
}

// Serious and critical accessibility violations on the page (axe-core,
// WCAG 2 A and AA rules), as [{id, impact, nodes, targets}]. The page must
// come from a context made with { bypassCSP: true }: axe is injected.
export async function axe(page) {
  await page.addScriptTag({ path: new URL("./node_modules/axe-core/axe.min.js", import.meta.url).pathname });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa"] });
    return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
                     targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
}

// The script's arguments, or a usage message and exit 2 when some are missing.
export function args(names) {
  const values = process.argv.slice(2);
  if (values.length < names.length || values.slice(0, names.length).some((v) => !v)) {
    console.error(`usage: node ${process.argv[1].split("/").pop()} ${names.join(" ")}`);
    process.exit(2);
  }
  return values;
}

// What a chart (assets/ui/chart.js) in the element `selector` shows:
// {"canvas": [css width, css height] or null, "legend": [labels], "label":
// its accessible name, "drawn": [pixels near each series' colour, in legend
// order]}. The colours are chart.js's own; the count is what was painted
// on the canvas, so a chart whose lines were never drawn counts 0.
export async function chartState(page, selector) {
  return page.evaluate(async (sel) => {
    const { COLOURS } = await import("/static/chart.js");
    const root = document.querySelector(sel);
    const canvas = root && root.querySelector("canvas");
    const group = root && root.querySelector(".chart");
    const legend = root ? [...root.querySelectorAll(".u-legend .u-series .u-label")].map((l) => l.textContent) : [];
    if (!canvas) return { canvas: null, legend, label: group?.getAttribute("aria-label") ?? null, drawn: [] };
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    const rgb = COLOURS.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
    const drawn = rgb.map(() => 0);
    for (let p = 0; p < data.length; p += 4) {
      if (data[p + 3] < 200) continue;
      rgb.forEach(([r, g, b], k) => {
        if (Math.abs(data[p] - r) + Math.abs(data[p + 1] - g) + Math.abs(data[p + 2] - b) < 24) drawn[k]++;
      });
    }
    const rect = canvas.getBoundingClientRect();
    return { canvas: [Math.round(rect.width), Math.round(rect.height)], legend,
             label: group.getAttribute("aria-label"), drawn: drawn.slice(0, Math.max(0, legend.length - 1)) };
  }, selector);
}
