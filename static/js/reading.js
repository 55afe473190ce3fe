/* The reading room. A passage's scholarship opens in the margin (static/js/panels.js, loaded
 * before this file); here #p-N in the address opens it too, and an opened panel puts its
 * passage in the address. Also: the margin toggle (kept per browser), and "next / previous
 * disputed passage" with the buttons or the [ and ] keys.
 */
(function () {
  "use strict";

  var room = document.querySelector("[data-reading-room]");
  if (!room) {
    return;
  }
  var STORE = "reading-room.margin";

  // A panel opened here puts its passage in the address (#p-N), so it can be shared.
  room.addEventListener("panel:opened", function (event) {
    var anchor = event.target.getAttribute("data-passage");
    if (anchor && window.location.hash !== "#" + anchor) {
      history.replaceState(null, "", "#" + anchor);
    }
  });

  function open(anchor, focus) {
    var passage = document.getElementById(anchor);
    var row = passage && passage.closest(".passage-row");
    var link = row && row.querySelector("a[data-panel-url]");
    if (link) {
      window.ArchivePanels.open(link, focus);
    }
  }

  // #p-N opens that passage's panel: on load without moving the focus (the browser gives it
  // to the passage named, which takes it: tabindex -1), and when the address changes.
  function fromHash(focus) {
    var match = /^#(p-\d+)$/.exec(window.location.hash);
    if (match) {
      open(match[1], focus);
    }
  }
  window.addEventListener("hashchange", function () {
    fromHash(true);
  });
  fromHash(false);

  // ---- Tools: margin toggle, disputed passages ---------------------------------------------
  var tools = document.querySelector("[data-reading-tools]");
  if (!tools) {
    return;
  }
  tools.hidden = false;
  var toggle = tools.querySelector("[data-margin-toggle]");

  function setMargin(shown) {
    room.classList.toggle("reading-room--text-only", !shown);
    toggle.setAttribute("aria-pressed", shown ? "true" : "false");
    try {
      window.localStorage.setItem(STORE, shown ? "shown" : "hidden");
    } catch (error) {
      /* storage refused: the choice lasts for this page */
    }
  }

  var stored = null;
  try {
    stored = window.localStorage.getItem(STORE);
  } catch (error) {
    stored = null;
  }
  setMargin(stored !== "hidden");
  toggle.addEventListener("click", function () {
    setMargin(toggle.getAttribute("aria-pressed") !== "true");
  });

  var disputed = Array.prototype.slice.call(room.querySelectorAll(".passage-row[data-disputed]"));
  tools.querySelectorAll("[data-disputed-step]").forEach(function (button) {
    button.disabled = disputed.length === 0;
    button.addEventListener("click", function () {
      step(parseInt(button.getAttribute("data-disputed-step"), 10));
    });
  });

  function current() {
    // The disputed passage last gone to, else the first one below the top of the window.
    var here = document.activeElement && document.activeElement.closest(".passage-row");
    var index = here ? disputed.indexOf(here) : -1;
    if (index >= 0) {
      return index;
    }
    return null;
  }

  function step(direction) {
    if (!disputed.length) {
      return;
    }
    var index = current();
    var target;
    if (index === null) {
      var top = 0;
      target = direction > 0 ? disputed.length - 1 : 0;
      for (var i = 0; i < disputed.length; i += 1) {
        top = disputed[i].getBoundingClientRect().top;
        if (direction > 0 && top > 1) {
          target = i;
          break;
        }
        if (direction < 0 && top < -1) {
          target = i;
        }
      }
    } else {
      target = (index + direction + disputed.length) % disputed.length;
    }
    var passage = disputed[target].querySelector(".passage-row__text");
    passage.focus();
    passage.scrollIntoView({ block: "start" });
    history.replaceState(null, "", "#" + passage.id);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var field = event.target.closest("input, textarea, select, [contenteditable]");
    if (field) {
      return;
    }
    if (event.key === "]") {
      event.preventDefault();
      step(1);
    } else if (event.key === "[") {
      event.preventDefault();
      step(-1);
    }
  });
})();
