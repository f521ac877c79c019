/**
 * The page's layout around the form. On a phone (below 48rem) the form folds
 * behind a summary bar so the results come first; 「条件を変更」 opens it and the
 * sticky 「N件を表示」 button closes it again. A visit with no conditions in the URL
 * (from the menu's 「条件で探す」) came to set them, so the form starts open there. Regions fold their prefectures;
 * a region holding a chosen prefecture opens and says which. Skip links into
 * the form open what they point into. Without this script the form is simply
 * shown, its regions folded as plain <details>.
 */
import { el } from "./render.js";

const PHONE = "(max-width: 47.99rem)";

/** Whether a query string sets anything (an empty `?q=` does not). */
function hasConditions(search) {
  for (const value of new URLSearchParams(search).values()) if (value.trim()) return true;
  return false;
}

/**
 * @param {HTMLFormElement} form
 * @param {object} config the page's search config
 * @returns {{isPhone: () => boolean, open: () => void, close: () => void, showSummary: (text: string) => void, showChosen: () => void}}
 */
export function mountLayout(form, config) {
  const bar = document.querySelector("[data-search-summary]");
  const barText = bar.querySelector("[data-search-summary-text]");
  const toggle = bar.querySelector("[data-search-open]");
  const regions = [...form.querySelectorAll("[data-region]")].map((details) => ({
    details,
    chosen: details.querySelector("[data-region-chosen]"),
    boxes: [...details.querySelectorAll('input[type="checkbox"]')],
  }));
  const phone = window.matchMedia(PHONE);

  function setOpen(open) {
    if (open) form.removeAttribute("data-collapsed");
    else form.setAttribute("data-collapsed", "");
    toggle.setAttribute("aria-expanded", String(open));
  }

  toggle.addEventListener("click", () => setOpen(form.hasAttribute("data-collapsed")));

  // A skip link into the form opens the form (and a folded region) first, then moves focus there.
  for (const link of document.querySelectorAll("[data-search-goto]")) {
    link.addEventListener("click", (event) => {
      const target = document.getElementById(link.hash.slice(1));
      if (!target) return;
      event.preventDefault();
      setOpen(true);
      target.focus();
      target.scrollIntoView({ block: "start" });
    });
  }

  bar.hidden = false;
  setOpen(!phone.matches || !hasConditions(location.search));

  return {
    isPhone: () => phone.matches,
    open: () => setOpen(true),
    close: () => setOpen(false),
    showSummary(text) {
      if (barText.textContent !== text) barText.textContent = text;
    },
    /** Open each region that holds a chosen prefecture and name the chosen ones in its summary. */
    showChosen() {
      for (const region of regions) {
        const names = region.boxes.filter((box) => box.checked).map((box) => config.prefectureNames[config.prefectures.indexOf(box.value)]);
        if (names.length) region.details.open = true;
        region.chosen.replaceChildren(...(names.length ? [el("span", {}, `選択中：${names.join("・")}`)] : []));
      }
    },
  };
}
