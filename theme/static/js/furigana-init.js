/*
 * ふりがな: the visitor's choice, applied before the page is first painted.
 * A classic script loaded (not inline, not a module, no defer) in <head>, so it
 * runs before the body is shown: a page opened with ふりがな on never flashes
 * without it. The switch itself is wired by furigana/toggle.js.
 */
(function () {
  var on = false;
  try {
    on = window.localStorage.getItem("furigana") === "on";
  } catch (error) {
    // Storage blocked: ふりがな stays off.
  }
  document.documentElement.setAttribute("data-furigana", on ? "on" : "off");
})();
