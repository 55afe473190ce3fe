// Parallel texts: j / k move between the rows of the comparison (when not typing in a field);
// a link to a row inside a folded run opens the fold. No build step, no dependencies.
(function () {
  "use strict";

  var container = document.querySelector("[data-compare-rows]");
  if (!container) {
    return;
  }

  function visibleRows() {
    return Array.prototype.filter.call(container.querySelectorAll("[data-row]"), function (row) {
      return row.offsetParent !== null;
    });
  }

  function currentIndex(rows) {
    var active = document.activeElement;
    for (var i = 0; i < rows.length; i += 1) {
      if (rows[i] === active || rows[i].contains(active)) {
        return i;
      }
    }
    // Otherwise the first row whose top is on screen.
    for (var j = 0; j < rows.length; j += 1) {
      if (rows[j].getBoundingClientRect().bottom > 48) {
        return j - 0.5;
      }
    }
    return -1;
  }

  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function go(row) {
    var previous = container.querySelector(".is-current");
    if (previous) {
      previous.classList.remove("is-current");
    }
    row.classList.add("is-current");
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "start", behavior: reduceMotion ? "auto" : "smooth" });
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + row.id);
    }
  }

  function typing(target) {
    return Boolean(
      target && target.closest && target.closest("input, textarea, select, [contenteditable]")
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) {
      return;
    }
    if ((event.key !== "j" && event.key !== "k") || typing(event.target)) {
      return;
    }
    var rows = visibleRows();
    if (!rows.length) {
      return;
    }
    var index = currentIndex(rows);
    var next = event.key === "j" ? Math.floor(index) + 1 : Math.ceil(index) - 1;
    if (next < 0 || next >= rows.length) {
      return;
    }
    event.preventDefault();
    go(rows[next]);
  });

  container.addEventListener("focusout", function (event) {
    if (event.target.matches && event.target.matches("[data-row]")) {
      event.target.classList.remove("is-current");
    }
  });

  function openFoldFor(hash) {
    if (!hash || hash.length < 2) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) {
      return;
    }
    var fold = target.closest("details");
    while (fold) {
      fold.open = true;
      fold = fold.parentElement ? fold.parentElement.closest("details") : null;
    }
    if (target.matches("[data-row]")) {
      target.focus({ preventScroll: true });
    }
    target.scrollIntoView({ block: "start" });
  }

  window.addEventListener("hashchange", function () {
    openFoldFor(window.location.hash);
  });
  openFoldFor(window.location.hash);
})();
