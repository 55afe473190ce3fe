/* The reading room: a passage's scholarship opens in the margin, loaded on demand.
 *
 * Progressive enhancement: every summary and every ¶ links to the passage page, which works
 * without JavaScript. Here a click (or Enter) on one fetches the same scholarship as a
 * fragment (the passage's panel) and shows it beside the passage; #p-N in the address opens
 * it too. Also: the margin toggle (kept per browser), and "next / previous disputed passage"
 * with the buttons or the [ and ] keys.
 */
(function () {
  "use strict";

  var room = document.querySelector("[data-reading-room]");
  if (!room) {
    return;
  }
  var STORE = "reading-room.margin";

  function rowOf(anchor) {
    var passage = document.getElementById(anchor);
    return passage ? passage.closest(".passage-row") : null;
  }

  function controlsOf(anchor) {
    return room.querySelectorAll('a[data-passage="' + anchor + '"].summary');
  }

  function closePanel(panel) {
    panel.hidden = true;
    panel.innerHTML = "";
    var anchor = panel.id.replace(/^panel-/, "");
    controlsOf(anchor).forEach(function (link) {
      link.setAttribute("aria-expanded", "false");
    });
  }

  function load(panel, url, focus) {
    panel.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        panel.innerHTML = html;
        panel.hidden = false;
        panel.removeAttribute("aria-busy");
        if (focus) {
          var heading = panel.querySelector(".panel__heading");
          if (heading) {
            heading.focus({ preventScroll: false });
          }
        }
      })
      .catch(function () {
        panel.removeAttribute("aria-busy");
        return Promise.reject();
      });
  }

  function open(anchor, focus) {
    var row = rowOf(anchor);
    if (!row) {
      return;
    }
    var panel = document.getElementById("panel-" + anchor);
    var link = row.querySelector("a[data-panel-url]");
    if (!panel || !link) {
      return;
    }
    room.querySelectorAll(".margin-panel:not([hidden])").forEach(function (other) {
      if (other !== panel) {
        closePanel(other);
      }
    });
    load(panel, link.getAttribute("data-panel-url"), focus).then(
      function () {
        controlsOf(anchor).forEach(function (control) {
          control.setAttribute("aria-expanded", "true");
        });
        if (window.location.hash !== "#" + anchor) {
          history.replaceState(null, "", "#" + anchor);
        }
      },
      function () {
        window.location.assign(link.href); // the passage page, as without JavaScript
      }
    );
  }

  room.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-panel-url]");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
      event.preventDefault();
      var anchor = link.getAttribute("data-passage");
      var panel = document.getElementById("panel-" + anchor);
      if (panel && !panel.hidden && link.classList.contains("summary")) {
        closePanel(panel);
        link.focus();
        return;
      }
      open(anchor, true);
      return;
    }
    var close = event.target.closest("[data-panel-close]");
    if (close) {
      var closing = close.closest(".margin-panel");
      var anchorOf = closing.id.replace(/^panel-/, "");
      closePanel(closing);
      var back = rowOf(anchorOf).querySelector("a[data-panel-url]");
      if (back) {
        back.focus();
      }
      return;
    }
    var reset = event.target.closest("a[data-panel-reset]");
    if (reset) {
      event.preventDefault();
      load(reset.closest(".margin-panel"), reset.href, true);
    }
  });

  // The panel's filters: the same fragment, filtered.
  room.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-panel-filters]");
    if (!form) {
      return;
    }
    event.preventDefault();
    var query = new URLSearchParams(new FormData(form)).toString();
    load(form.closest(".margin-panel"), form.action + (query ? "?" + query : ""), true);
  });

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
