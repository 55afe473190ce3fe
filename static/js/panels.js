/* A passage's scholarship panel, loaded on demand: the reading room and the compare page.
 *
 * Progressive enhancement: every summary links to the passage page, which works without
 * JavaScript. Inside an element marked [data-panels], a click (or Enter) on a link with
 * data-panel-url fetches that passage's panel (the same scholarship, as a fragment) into the
 * element its aria-controls names, and a second click closes it. The panel's close button,
 * filters and "show everything" link work in place. A panel that cannot be loaded sends the
 * reader to the passage page instead. Opening fires "panel:opened" on the link.
 */
(function () {
  "use strict";

  function controlsOf(panel) {
    return document.querySelectorAll('a[data-panel-url][aria-controls="' + panel.id + '"]');
  }

  function close(panel) {
    panel.hidden = true;
    panel.innerHTML = "";
    controlsOf(panel).forEach(function (link) {
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
        var heading = focus && panel.querySelector(".panel__heading");
        if (heading) {
          heading.focus({ preventScroll: false });
        }
      })
      .catch(function () {
        panel.removeAttribute("aria-busy");
        return Promise.reject();
      });
  }

  function open(link, focus) {
    var panel = document.getElementById(link.getAttribute("aria-controls"));
    if (!panel) {
      return;
    }
    var scope = link.closest("[data-panels]") || document;
    scope.querySelectorAll(".margin-panel:not([hidden])").forEach(function (other) {
      if (other !== panel) {
        close(other);
      }
    });
    load(panel, link.getAttribute("data-panel-url"), focus).then(
      function () {
        controlsOf(panel).forEach(function (control) {
          control.setAttribute("aria-expanded", "true");
        });
        link.dispatchEvent(new CustomEvent("panel:opened", { bubbles: true }));
      },
      function () {
        window.location.assign(link.href); // the passage page, as without JavaScript
      }
    );
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-panels]")) {
      return;
    }
    var link = event.target.closest("a[data-panel-url]");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
      event.preventDefault();
      var panel = document.getElementById(link.getAttribute("aria-controls"));
      if (panel && !panel.hidden && link.classList.contains("summary")) {
        close(panel);
        link.focus();
      } else {
        open(link, true);
      }
      return;
    }
    var closer = event.target.closest("[data-panel-close]");
    if (closer) {
      var closing = closer.closest(".margin-panel");
      var back = controlsOf(closing)[0];
      close(closing);
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
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("[data-panels] form[data-panel-filters]");
    if (!form) {
      return;
    }
    event.preventDefault();
    var query = new URLSearchParams(new FormData(form)).toString();
    load(form.closest(".margin-panel"), form.action + (query ? "?" + query : ""), true);
  });

  window.ArchivePanels = { open: open, close: close };
})();
