/* Filters that apply on change: <select data-autosubmit> submits its form. A handler in a
   static file instead of an inline onchange, so the Content-Security-Policy needs no
   'unsafe-inline' for scripts. One delegated listener covers every such control. */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var control = e.target.closest ? e.target.closest("[data-autosubmit]") : null;
    if (!control || !control.form) return;
    // A new delegation has other groups: drop the group so the page does not filter by one
    // that is no longer offered.
    if (control.name === "delegation" && control.form.elements.group) {
      control.form.elements.group.value = "";
    }
    if (control.form.requestSubmit) control.form.requestSubmit();
    else control.form.submit();
  });
})();
