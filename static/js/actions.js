/* Small page actions declared in the markup, instead of inline onclick handlers or
   javascript: links, which the Content-Security-Policy (script-src 'self') blocks:
     <button data-jd-print>      prints the page
     <a href="…" data-jd-back>   goes back in history (the href is the fallback)
   One delegated listener covers every page. */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    if (!e.target.closest) return;
    if (e.target.closest("[data-jd-print]")) {
      e.preventDefault();
      window.print();
      return;
    }
    var back = e.target.closest("[data-jd-back]");
    if (back && window.history.length > 1) {
      e.preventDefault();
      window.history.back();
    }
  });
})();
