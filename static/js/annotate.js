/*
 * Selection to W3C selectors, for scholars on the reading view.
 *
 * Selecting words inside one passage shows a small toolbar ("Annotate selection",
 * "Flag as disputed", "Cross-reference"). Each opens the matching form with the span as
 * TextPositionSelector (start, end in Unicode code points of the passage text) and
 * TextQuoteSelector (exact, prefix, suffix); the server checks them against the passage.
 * Without JavaScript every passage keeps its plain "Annotate" links for the whole passage.
 *
 * Keyboard: with a selection in a passage (Shift+arrow keys with caret browsing, F7 in
 * Chromium and Firefox), Tab moves the focus to the toolbar; the arrow keys, Home and End move
 * between its buttons, Enter opens the form, Shift+Tab on the first button goes back to the
 * selected words and Escape closes the toolbar. A status message tells screen readers that
 * the toolbar is there. See docs/accessibility.md.
 */
(function () {
  "use strict";

  var CONTEXT = 32;
  var toolbar = document.getElementById("selection-toolbar");
  if (!toolbar) {
    return;
  }
  var current = null;
  // Where the focus was, and the selected words, when Tab took the focus to the toolbar.
  var origin = null;
  // A polite live region (made here, before anything is announced in it).
  var status = document.createElement("p");
  status.className = "visually-hidden selection-toolbar__status";
  status.setAttribute("aria-live", "polite");
  status.setAttribute("lang", "en");
  toolbar.parentNode.insertBefore(status, toolbar.nextSibling);

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
    status.textContent = "";
  }

  function show(target) {
    current = target;
    if (toolbar.hidden) {
      status.textContent =
        "Words selected. Press Tab to annotate, flag or cross-reference them; Escape closes.";
    }
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

  function buttons() {
    return Array.from(toolbar.querySelectorAll("button"));
  }

  // Back to the selected words: the focus where it was, the selection as it was.
  function backToText(keepSelection) {
    var saved = origin;
    origin = null;
    if (saved && saved.focus && document.contains(saved.focus)) {
      saved.focus.focus();
    } else if (toolbar.contains(document.activeElement)) {
      document.activeElement.blur();
    }
    var selection = window.getSelection();
    if (saved && saved.range) {
      selection.removeAllRanges();
      selection.addRange(saved.range);
      if (!keepSelection) {
        selection.collapseToEnd();
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (toolbar.hidden || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var inToolbar = toolbar.contains(document.activeElement);
    var list = buttons();
    var index = list.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      if (inToolbar) {
        backToText(false);
      }
      hide();
    } else if (event.key === "Tab" && !event.shiftKey && !inToolbar && current) {
      // Tab from a selection in a passage: to the toolbar's first button.
      event.preventDefault();
      var selection = window.getSelection();
      origin = {
        focus: document.activeElement !== document.body ? document.activeElement : null,
        range: selection.rangeCount ? selection.getRangeAt(0).cloneRange() : null,
      };
      list[0].focus();
    } else if (event.key === "Tab" && event.shiftKey && index === 0) {
      event.preventDefault();
      backToText(true);
    } else if (inToolbar && index >= 0) {
      var next = {
        ArrowRight: index + 1,
        ArrowDown: index + 1,
        ArrowLeft: index - 1,
        ArrowUp: index - 1,
        Home: 0,
        End: list.length - 1,
      }[event.key];
      if (next !== undefined) {
        event.preventDefault();
        list[(next + list.length) % list.length].focus();
      }
    }
  });
})();
