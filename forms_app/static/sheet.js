// An A4 sheet shown in a frame (<div class="a4-view"><iframe class="page">) is scaled to
// the width of its box, never above 100 %, so a phone sees the whole page, as on paper.
// On a narrow screen a button shows it at full size instead, scrolling inside its box
// (never the page). Without this script the frame keeps its plain size and scrolls.
// A file, not inline (the CSP allows no inline script); styles are set through the CSSOM,
// which the CSP allows.
(function () {
  "use strict";

  var FIT_LABEL = "Xem cỡ thật";
  var ACTUAL_LABEL = "Thu vừa màn hình";

  // The sheet's size at 100 %: the .sheet (or the body's first element) with the
  // document's margins around it; null until the frame's document is ours to read.
  function naturalSize(frame) {
    var doc;
    try {
      doc = frame.contentDocument;
    } catch (error) {
      return null;
    }
    if (!doc || !doc.body) return null;
    var sheet = doc.querySelector(".sheet") || doc.body.firstElementChild;
    if (!sheet) return null;
    var style = doc.defaultView.getComputedStyle(doc.body);
    var box = sheet.getBoundingClientRect();
    var top = box.top + doc.defaultView.scrollY;
    return {
      width: Math.ceil(
        sheet.offsetWidth + parseFloat(style.marginLeft) + parseFloat(style.marginRight)
      ),
      height: Math.ceil(box.height + 2 * top),
    };
  }

  function setUp(view) {
    var frame = view.querySelector("iframe");
    if (!frame) return;
    var actual = false;
    var lastWidth = -1;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary a4-zoom";
    button.hidden = true;
    button.textContent = FIT_LABEL;
    view.parentNode.insertBefore(button, view);

    function layOut() {
      var size = naturalSize(frame);
      if (!size || view.clientWidth === 0) return; // not loaded yet, or not shown
      var fit = Math.min(1, view.clientWidth / size.width);
      if (fit >= 1) actual = false; // the whole sheet fits: nothing to zoom
      var scale = actual ? 1 : fit;
      frame.style.width = size.width + "px";
      frame.style.height = size.height + "px";
      frame.style.transform = scale < 1 ? "scale(" + scale + ")" : "none";
      // A transform leaves the frame's box as it was: the box is given the drawn height.
      // At full size it wraps the frame (and its scrollbar) by itself.
      view.style.height = actual ? "" : Math.ceil(size.height * scale) + "px";
      view.classList.add("scaled");
      view.classList.toggle("actual", actual);
      view.dataset.scale = String(Math.round(scale * 10000) / 10000);
      button.hidden = fit >= 1;
      button.textContent = actual ? ACTUAL_LABEL : FIT_LABEL;
      if (actual) {
        // A box that scrolls must be reachable by keyboard and named.
        view.tabIndex = 0;
        view.setAttribute("role", "region");
        view.setAttribute("aria-label", (frame.title || "Trang A4") + ", cỡ thật");
      } else {
        view.removeAttribute("tabindex");
        view.removeAttribute("role");
        view.removeAttribute("aria-label");
      }
    }

    button.addEventListener("click", function () {
      actual = !actual;
      layOut();
    });
    function onLoad() {
      layOut();
      // The sheet's own fonts may land after "load" and change its height.
      var doc = frame.contentDocument;
      if (doc && doc.fonts) doc.fonts.ready.then(layOut);
    }
    frame.addEventListener("load", onLoad);
    if (window.ResizeObserver) {
      // Only a change of width matters; the height this sets must not loop back here.
      new ResizeObserver(function () {
        if (view.clientWidth !== lastWidth) {
          lastWidth = view.clientWidth;
          layOut();
        }
      }).observe(view);
    } else {
      window.addEventListener("resize", layOut);
    }
    // The frame may have loaded before this deferred script ran.
    var doc = frame.contentDocument;
    if (doc && doc.readyState === "complete") onLoad();
  }

  document.querySelectorAll(".a4-view").forEach(setUp);
})();
