/* Searchable people pickers (Tom Select, vendored). Every <select> or text input with
   data-picker gets one; settings come from data attributes because the CSP forbids inline
   script. data-picker-url: the JSON endpoint (deputies:pick) that matches name, 代表编号 or
   拼音首字母 within the user's scope; the server validates the final choice again. Without
   this script the plain control still works. */
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") return;

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function init(el) {
    if (el.tomselect) return;
    var multiple = el.multiple;
    var isInput = el.tagName === "INPUT";
    var url = el.getAttribute("data-picker-url");
    var settings = {
      valueField: el.getAttribute("data-picker-value") || "value",
      labelField: "text",
      searchField: ["text", "search"],
      maxOptions: 50,
      // Filter the list on each keystroke, not 300 ms later (Tom Select's default). A <select>
      // holds its options already, so Enter can take a match before that delayed refresh runs;
      // it then ran anyway, reopened this box and took the focus back from the next picker
      // (the 附议代表 box lost what was typed into it). The server search keeps its own delay
      // (loadThrottle), and its answer opens the list only while this box has the focus.
      refreshThrottle: 0,
      hidePlaceholder: true,
      closeAfterSelect: !multiple,
      placeholder: el.getAttribute("data-picker-placeholder") ||
        (url ? "输入姓名、代表编号或拼音首字母" : "输入姓名搜索"),
      plugins: multiple ? ["remove_button"] : [],
      render: {
        no_results: function () { return '<div class="no-results">没有找到匹配的结果</div>'; },
        loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">正在查找…</span></div>'; },
        option: function (item) {
          var extra = item.delegation ? ' <small class="text-muted">' + escapeHtml(item.delegation) + "</small>" : "";
          return "<div>" + escapeHtml(item.text) + extra + "</div>";
        },
        item: function (item) { return "<div>" + escapeHtml(item.text) + "</div>"; }
      }
    };
    if (multiple) {
      // The next search starts empty: type initials, Enter, type the next ones.
      settings.onItemAdd = function () { this.setTextboxValue(""); this.refreshOptions(false); };
    }
    if (isInput) {
      settings.maxItems = 1;
      settings.create = false;
      settings.persist = false;
      if (el.value) settings.options = [{ code: el.value, value: el.value, text: el.value }];
    }
    if (multiple && settings.plugins.indexOf("remove_button") >= 0) {
      settings.plugins = { remove_button: { title: "移除" } };
    }
    if (url) {
      settings.shouldLoad = function (query) { return query.length > 0; };
      settings.load = function (query, callback) {
        var params = new URLSearchParams({ q: query, scope: el.getAttribute("data-picker-scope") || "visible" });
        var term = el.getAttribute("data-picker-term");
        if (term) params.set("term", term);
        fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
          .then(function (data) { callback(data.results); })
          .catch(function () { callback(); });
      };
    }
    new window.TomSelect(el, settings);
  }

  function initAll(root) {
    (root || document).querySelectorAll("[data-picker]").forEach(init);
  }
  initAll(document);
  document.body.addEventListener("htmx:afterSwap", function (e) { initAll(e.target); });
})();
