// SPDX-License-Identifier: MPL-2.0
// "Crashes per day" line charts over uPlot (npm's uplot, embedded as
// /static/vendor/uplot.js; its stylesheet /static/vendor/uplot.css must be
// linked by the page). Several series, each with its own colour and dash so
// that they differ without colour too, axis labels, a legend, and a container
// that takes focus: the arrow keys move through the days, and the day's
// values are read out (a polite live region). The pages keep their tables
// beside the chart as the accessible view of the same numbers. uPlot draws
// on a canvas and writes labels with textContent; its styles are set through
// the CSSOM, which the pages' Content-Security-Policy allows.
import uPlot from "/static/vendor/uplot.js";

// Contrast of at least 3:1 on white (WCAG's non-text contrast): "all" in
// near-black, then the Okabe-Ito hues, darkened where they were too light.
export const COLOURS = ["#222222", "#0072B2", "#D55E00", "#007A5A", "#A6418A", "#8A6D00", "#5D3FD3"];
const DASHES = [[], [], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [12, 6]];
const DAY = 86400;

// The UTC days from `first` to `last` ("YYYY-MM-DD", both included).
export function daysBetween(first, last) {
  const out = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY * 1000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

// A chart in `container`, replacing what it held (a chart drawn before in
// it included). `days`: ["YYYY-MM-DD", ...] in order; `series`: [{label,
// values: [count per day]}]; `label`: what the chart shows, for its
// accessible name. Returns {plot, destroy()}.
const drawn = new WeakMap();
export function dayChart(container, { days, series, label, yLabel = "crashes" }) {
  drawn.get(container)?.destroy();
  const box = document.createElement("div");
  box.className = "chart";
  box.tabIndex = 0;
  box.setAttribute("role", "group");
  const names = series.map((s) => s.label).join(", ");
  box.setAttribute("aria-label", `${label}: ${days.length} days (${days[0] || ""} to ${days.at(-1) || ""}), ` +
                   `series ${names}. Arrow keys move through the days.`);
  const canvasBox = document.createElement("div");
  const said = document.createElement("p");
  said.className = "chart-readout";
  said.setAttribute("aria-live", "polite");
  box.append(canvasBox, said);
  container.replaceChildren(box);

  const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const height = () => (box.clientWidth < 500 ? 220 : 300);
  const opts = {
    width: Math.max(200, box.clientWidth),
    height: height(),
    // Days are UTC days: the axis and legend say so whatever the reader's zone.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.05)] } },
    // Ticks on whole days and whole crashes only.
    axes: [
      { label: "day (UTC)", stroke: "#333", grid: { stroke: "#e4e4e4" }, ticks: { stroke: "#bbb" },
        incrs: [1, 2, 7, 14, 28, 91, 182, 364].map((n) => n * DAY), space: 50,
        values: (u, splits) => splits.map((ts) => new Date(ts * 1000).toISOString().slice(5, 10)) },
      { label: yLabel, stroke: "#333", grid: { stroke: "#e4e4e4" }, ticks: { stroke: "#bbb" },
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7],
        values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : "")) },
    ],
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    series: [
      { label: "day", value: (u, ts) => (ts === null || ts === undefined ? "--" :
                                         new Date(ts * 1000).toISOString().slice(0, 10)) },
      ...series.map((s, i) => ({
        label: String(s.label),
        stroke: COLOURS[i % COLOURS.length],
        dash: DASHES[i % DASHES.length],
        width: i === 0 ? 2.5 : 2,
        points: { show: days.length <= 60, size: 5 },
        value: (u, v) => (v === null || v === undefined ? "--" : String(v)),
      })),
    ],
  };
  const data = [xs, ...series.map((s) => s.values.map((v) => Number(v) || 0))];
  const plot = new uPlot(opts, data, canvasBox);
  // Follows the page's width (a phone turned, a window resized); in the next
  // frame, so that the new size does not re-enter the observer's loop.
  let frame = 0;
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const width = Math.max(200, box.clientWidth);
      if (width !== plot.width || height() !== plot.height) plot.setSize({ width, height: height() });
    });
  });
  observer.observe(box);

  // Keyboard: the arrow keys (Home, End) move the cursor through the days.
  let at = -1;
  const show = (i) => {
    at = Math.max(0, Math.min(days.length - 1, i));
    const left = plot.valToPos(xs[at], "x");
    const top = plot.valToPos(data[1]?.[at] ?? 0, "y");
    plot.setCursor({ left, top });
    said.textContent = `${days[at]}: ` + series.map((s, k) => `${s.label} ${data[k + 1][at]}`).join(", ");
  };
  box.addEventListener("keydown", (e) => {
    if (!days.length) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at < 0 ? days.length - 1 : at - 1, Home: 0,
                 End: days.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    show(to);
  });
  box.addEventListener("blur", () => { at = -1; });

  const chart = {
    plot,
    destroy() {
      observer.disconnect();
      cancelAnimationFrame(frame);
      plot.destroy();
      box.remove();
      drawn.delete(container);
    },
  };
  drawn.set(container, chart);
  return chart;
}
