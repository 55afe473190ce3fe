/*
 * Selection to W3C selectors, for scholars on the reading view.
 *
 * Selecting words inside one passage shows a small toolbar ("Annotate selection",
 * "Flag as disputed", "Cross-reference"). Each opens the matching form with the span as
 * TextPositionSelector (start, end in Unicode code points of the passage text) and
 * TextQuoteSelector (exact, prefix, suffix); the server checks them against the passage.
 * Without JavaScript every passage keeps its plain "Annotate" links for the whole passage.
 */
(function () {
  "use strict";

  var CONTEXT = 32;
  var toolbar = document.getElementById("selection-toolbar");
  if (!toolbar) {
    return;
  }
  var current = null;

  function codePoints(text) {
    return Array.from(text).length;
  }

  function passageTextOf(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest("[data-passage-text]") : null;
  }

  // Text of a range without the tags the page adds inside passages (e.g. [disputed]).
  function passageText(range) {
    var fragment = range.cloneContents();
    fragment.querySelectorAll("[data-nontext]").forEach(function (element) {
      element.remove();
    });
    return fragment.textContent;
  }

  function selectionTarget() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    var range = selection.getRangeAt(0);
    var container = passageTextOf(range.startContainer);
    if (!container || container !== passageTextOf(range.endContainer)) {
      return null;
    }
    var before = document.createRange();
    before.selectNodeContents(container);
    before.setEnd(range.startContainer, range.startOffset);
    var whole = document.createRange();
    whole.selectNodeContents(container);
    var full = Array.from(passageText(whole));
    var start = codePoints(passageText(before));
    var end = start + codePoints(passageText(range));
    if (end <= start) {
      return null;
    }
    return {
      container: container,
      rect: range.getBoundingClientRect(),
      params: {
        start: String(start),
        end: String(end),
        exact: full.slice(start, end).join(""),
        prefix: full.slice(Math.max(0, start - CONTEXT), start).join(""),
        suffix: full.slice(end, end + CONTEXT).join(""),
      },
    };
  }

  function hide() {
    toolbar.hidden = true;
    current = null;
  }

  function show(target) {
    current = target;
    toolbar.hidden = false;
    var top = window.scrollY + target.rect.bottom + 8;
    var left = window.scrollX + Math.max(8, target.rect.left);
    toolbar.style.top = top + "px";
    toolbar.style.left = Math.min(left, window.scrollX + document.documentElement.clientWidth - toolbar.offsetWidth - 8) + "px";
    var quote = toolbar.querySelector("[data-selection-quote]");
    if (quote) {
      quote.textContent = target.params.exact.length > 60 ? target.params.exact.slice(0, 59) + "…" : target.params.exact;
    }
  }

  function update() {
    var target = selectionTarget();
    if (target) {
      show(target);
    } else if (!toolbar.contains(document.activeElement)) {
      hide();
    }
  }

  document.addEventListener("selectionchange", function () {
    window.requestAnimationFrame(update);
  });

  // Keep the selection when the pointer presses a toolbar button.
  toolbar.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });

  toolbar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button || !current) {
      return;
    }
    var url = current.container.getAttribute("data-" + button.getAttribute("data-action") + "-url");
    var query = new URLSearchParams(current.params);
    window.location.assign(url + "?" + query.toString());
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !toolbar.hidden) {
      hide();
    }
  });
})();
