/**
 * Site-wide entry module, loaded on every page. Everything here enhances
 * pages that already work as plain HTML; a failure hides nothing but itself.
 */
import { ensureAnnouncer } from "./compare/announce.js";
import { watchCompareToggles } from "./compare/toggle.js";
import { mountCompareTray } from "./compare/tray.js";

function start() {
  const comparePage = document.querySelector("[data-compare-page]");
  const visitPage = document.querySelector("[data-visit-page]");
  ensureAnnouncer();
  watchCompareToggles();
  if (visitPage) {
    // The planner lists the chosen offices itself; no tray.
    import("./visit/page.js").then(({ mountVisitPage }) => mountVisitPage(visitPage));
  } else if (comparePage) {
    // The comparison table is the list on this page; no tray.
    import("./compare/page.js").then(({ mountComparePage }) => mountComparePage(comparePage));
  } else {
    mountCompareTray();
  }
}

start();
