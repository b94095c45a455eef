// Badges with a count (e.g. 填报审核): each element with data-count-url gets the server's
// small HTML fragment once the page has loaded, so pages cost no query for them.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-count-url]").forEach(function (el) {
    // The header marks a fragment request: the server never answers it with a page.
    fetch(el.dataset.countUrl, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { el.innerHTML = html; })
      .catch(function () {});
  });
});
