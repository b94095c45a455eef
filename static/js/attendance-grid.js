/* The attendance grid: one click cycles a cell, a key sets it; each change is one htmx POST
   that returns the updated cell. One listener for the whole table, so 300+ rows stay light.
   A cell backed by approved leave comes back unchanged with data-confirm: the question is
   shown above the grid, and 确认 sends the same change again with confirm_leave=1.
   In a closed year, office staff's correction reason (#jd-closed-reason) goes with each POST. */
(function () {
  "use strict";
  var grid = document.getElementById("jd-grid");
  if (!grid) return;
  var url = grid.dataset.url;
  var csrf = grid.dataset.csrf;
  var reasonSelect = document.getElementById("jd-reason");
  var msg = document.getElementById("jd-grid-msg");
  var closedReason = document.getElementById("jd-closed-reason");
  var ask = document.getElementById("jd-grid-confirm");
  var askText = document.getElementById("jd-grid-confirm-text");
  var pending = null; // {td, status} waiting for the confirmation
  var KEYS = { "1": "present", "2": "leave", "3": "absent", "0": "", Delete: "", Backspace: "" };
  var active = null;

  function show(text) {
    msg.textContent = text;
    msg.classList.toggle("d-none", !text);
  }
  function editable(td) {
    return td && td.dataset && td.dataset.m && td.parentElement.hasAttribute("data-e");
  }
  function activate(td) {
    if (active && active !== td) active.removeAttribute("tabindex");
    active = td;
    td.tabIndex = 0;
    td.focus();
  }
  function statusOf(td) {
    var m = td.className.match(/\bs-(\w+)/);
    return m && m[1] !== "u" ? m[1] : "";
  }
  function next(status) {
    // 未登记/请假 → 出席 → 缺席 → 请假 (only with a reason chosen) → 出席
    if (status === "present") return "absent";
    if (status === "absent") return reasonSelect && reasonSelect.value ? "leave" : "present";
    return "present";
  }
  function confirmAsk(td, status, text) {
    pending = text ? { td: td, status: status } : null;
    askText.textContent = text || "";
    ask.classList.toggle("d-none", !text);
    if (text) document.getElementById("jd-grid-confirm-yes").focus();
  }
  function save(td, status, confirmed) {
    confirmAsk(null, null, "");
    var reason = status === "leave" && reasonSelect ? reasonSelect.value : "";
    if (status === "leave" && !reason) {
      show("登记请假须先在上方选择请假事由（公务出国出境、重要会议活动、因病或特殊情况）。");
      return;
    }
    var row = td.parentElement;
    var index = Array.prototype.indexOf.call(row.children, td);
    var deputy = row.dataset.d;
    var meeting = td.dataset.m;
    var values = { deputy: deputy, meeting: meeting, status: status, reason: reason };
    if (confirmed) values.confirm_leave = "1";
    if (closedReason && closedReason.value.trim()) values._closed_year_reason = closedReason.value;
    td.classList.add("saving");
    htmx
      .ajax("POST", url, {
        target: td,
        swap: "outerHTML",
        headers: { "X-CSRFToken": csrf },
        values: values,
      })
      .then(function () {
        var fresh = row.children[index];
        if (!fresh) return;
        show(fresh.dataset.error || "");
        if (fresh.hasAttribute("data-reason-needed") && closedReason) closedReason.focus();
        else if (editable(fresh)) activate(fresh);
        if (fresh.dataset.confirm) confirmAsk(fresh, fresh.dataset.status, fresh.dataset.confirm);
      });
  }
  if (ask) {
    document.getElementById("jd-grid-confirm-yes").addEventListener("click", function () {
      var p = pending;
      if (p && p.td.isConnected) save(p.td, p.status, true);
      else confirmAsk(null, null, "");
    });
    document.getElementById("jd-grid-confirm-no").addEventListener("click", function () {
      var p = pending;
      confirmAsk(null, null, "");
      if (p && p.td.isConnected) activate(p.td);
    });
  }
  function move(td, dx, dy) {
    var row = td.parentElement;
    var index = Array.prototype.indexOf.call(row.children, td);
    if (dy) {
      var r = dy > 0 ? row.nextElementSibling : row.previousElementSibling;
      while (r && !editable(r.children[index])) r = dy > 0 ? r.nextElementSibling : r.previousElementSibling;
      return r ? r.children[index] : null;
    }
    var c = dx > 0 ? td.nextElementSibling : td.previousElementSibling;
    while (c && !editable(c)) c = dx > 0 ? c.nextElementSibling : c.previousElementSibling;
    return c;
  }

  grid.addEventListener("click", function (e) {
    var td = e.target.closest("td");
    if (!editable(td)) return;
    activate(td);
    save(td, next(statusOf(td)));
  });
  grid.addEventListener("keydown", function (e) {
    var td = e.target.closest("td");
    if (!editable(td)) return;
    var arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (arrows[e.key]) {
      var target = move(td, arrows[e.key][0], arrows[e.key][1]);
      if (target) activate(target);
      e.preventDefault();
    } else if (e.key in KEYS) {
      save(td, KEYS[e.key]);
      e.preventDefault();
    } else if (e.key === "Enter" || e.key === " ") {
      save(td, next(statusOf(td)));
      e.preventDefault();
    }
  });
  // Keyboard users reach the grid with Tab: the first editable cell takes the focus.
  var first = grid.querySelector("tr[data-e] td[data-m]");
  if (first) first.tabIndex = 0;
})();
