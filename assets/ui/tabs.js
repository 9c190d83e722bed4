// SPDX-License-Identifier: MPL-2.0
// Tabs as WAI-ARIA describes them: click, or arrow keys between tabs; the
// selected tab's panel alone is shown. `onShow(name)` runs on each change.
export function wireTabs(first, onShow = () => {}) {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  const show = (name) => {
    for (const tab of tabs) {
      const selected = tab.getAttribute("aria-controls") === name;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
    }
    onShow(name);
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => show(tab.getAttribute("aria-controls")));
    tab.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      show(next.getAttribute("aria-controls"));
      next.focus();
    });
  });
  show(first);
}
