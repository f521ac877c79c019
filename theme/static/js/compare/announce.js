/**
 * One polite live region for the comparison widgets, so screen-reader users
 * hear "added", "removed" and "the list is full" without losing their place.
 */

let region = null;
let pending = 0;

/** Create the live region early: regions added at the moment they speak are often not read. */
export function ensureAnnouncer() {
  if (region && region.isConnected) return region;
  region = document.createElement("div");
  region.className = "visually-hidden";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.dataset.compareAnnouncer = "";
  // Inside <main>, so the text is within a landmark.
  (document.querySelector("main") || document.body).append(region);
  return region;
}

/** Say `message` politely. The same message twice in a row is said twice. */
export function announce(message) {
  const target = ensureAnnouncer();
  target.textContent = "";
  window.clearTimeout(pending);
  pending = window.setTimeout(() => {
    target.textContent = message;
  }, 100);
}
