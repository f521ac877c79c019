/* ふりがな: the stored choice on <html data-furigana> before the first paint, and the switch
   (button[data-furigana-toggle]). Classic script, last in <head>; see docs/furigana.md. */
(function () {
  var KEY = "furigana";
  var root = document.documentElement;
  var script = document.currentScript;
  var readings = script.getAttribute("data-furigana-readings");
  // The shared words the build left to the browser (furigana/words.json; every page but search).
  var words = script.getAttribute("data-furigana-words");
  var live = new URL("furigana/live.js", script.src).href;

  function stored() {
    try {
      return localStorage.getItem(KEY) === "on";
    } catch (error) {
      return false;
    }
  }

  function hint(rel, href, as) {
    var link = document.createElement("link");
    link.rel = rel;
    link.href = href;
    if (as) {
      link.as = as;
      link.crossOrigin = "anonymous";
    }
    document.head.appendChild(link);
  }

  function apply(on) {
    root.setAttribute("data-furigana", on ? "on" : "off");
    var buttons = document.querySelectorAll("[data-furigana-toggle]");
    for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    if (on && buttons.length) {
      import(live).then(function (module) {
        module.startLiveRuby();
      });
    }
  }

  var on = stored();
  root.setAttribute("data-furigana", on ? "on" : "off");
  if (on && (readings || words)) {
    // Ruby put on by live.js: hidden until then, 3 s at most.
    root.setAttribute("data-furigana-pending", "");
    if (readings) hint("preload", readings, "fetch");
    if (words) hint("preload", words, "fetch");
    hint("modulepreload", live);
    setTimeout(function () {
      root.removeAttribute("data-furigana-pending");
    }, 3000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    apply(root.getAttribute("data-furigana") === "on");
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-furigana-toggle]")) return;
    var next = root.getAttribute("data-furigana") !== "on";
    try {
      localStorage.setItem(KEY, next ? "on" : "off");
    } catch (error) {
      // blocked: this page only
    }
    apply(next);
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) apply(event.newValue === "on");
  });
})();
