/* "全选" boxes: <input type="checkbox" data-jd-checkall="NAME"> checks or clears every
   checkbox called NAME in its form, and follows them (checked only when all are). A static
   file, so the Content-Security-Policy needs no inline script. */
(function () {
  "use strict";
  function boxes(master) {
    var name = master.getAttribute("data-jd-checkall");
    return Array.prototype.filter.call(master.form.elements, function (el) {
      return el.type === "checkbox" && el.name === name && !el.disabled;
    });
  }
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (!el.form) return;
    if (el.hasAttribute("data-jd-checkall")) {
      boxes(el).forEach(function (b) { b.checked = el.checked; });
      return;
    }
    var masters = el.form.querySelectorAll("[data-jd-checkall]");
    Array.prototype.forEach.call(masters, function (m) {
      if (m.getAttribute("data-jd-checkall") !== el.name) return;
      m.checked = boxes(m).every(function (b) { return b.checked; });
    });
  });
})();
