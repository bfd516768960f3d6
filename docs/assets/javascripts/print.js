// A printout says where it came from and when (overrides/main.html,
// .kb-print-meta): the address as the reader has it open, filters included,
// and the day it was printed rather than the day the site was built.
(function () {
  "use strict";

  function stamp() {
    document.querySelectorAll("[data-kb-print-url]").forEach(function (el) { el.textContent = location.href; });
    const today = new Date().toISOString().slice(0, 10);
    document.querySelectorAll("[data-kb-print-date]").forEach(function (el) { el.textContent = today; });
  }

  window.addEventListener("beforeprint", stamp);
  if (typeof document$ !== "undefined") {
    document$.subscribe(stamp);
  } else {
    document.addEventListener("DOMContentLoaded", stamp);
  }
})();
