/**
 * The 「ふりがな」 switch in the header: a button with aria-pressed.
 * The choice is kept in localStorage ("furigana": "on" | "off"), shown on
 * <html data-furigana>, and applied without a reload: the ruby is already in
 * the page, CSS shows or hides its <rt>. Other open tabs follow the change.
 * Text the scripts render gets ruby from live.js, loaded the first time it is on.
 */

export const STORAGE_KEY = "furigana";
const BUTTON = "[data-furigana-toggle]";

/** Whether ふりがな is on for this page. */
export function furiganaOn() {
  return document.documentElement.dataset.furigana === "on";
}

function save(on) {
  try {
    window.localStorage.setItem(STORAGE_KEY, on ? "on" : "off");
  } catch {
    // Storage blocked: the choice lasts for this page only.
  }
}

/**
 * Show the state on <html> and on every switch, and tell listeners (browser-rendered ruby).
 * @param {boolean} on
 */
function apply(on) {
  document.documentElement.dataset.furigana = on ? "on" : "off";
  for (const button of document.querySelectorAll(BUTTON)) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  document.dispatchEvent(new CustomEvent("furigana:change", { detail: { on } }));
  // The text the scripts render gets its ruby from a module loaded only when needed.
  if (on) import("./live.js").then(({ startLiveRuby }) => startLiveRuby());
}

/** Wire every switch on the page. */
export function mountFuriganaToggle() {
  // A site built with FACILITY_SITE furigana: False has no switch and no readings to load.
  if (!document.querySelector(BUTTON)) return;
  apply(furiganaOn());
  for (const button of document.querySelectorAll(BUTTON)) {
    button.addEventListener("click", () => {
      const on = !furiganaOn();
      save(on);
      apply(on);
    });
  }
  window.addEventListener("storage", (event) => {
    if (event.key === STORAGE_KEY) apply(event.newValue === "on");
  });
}
