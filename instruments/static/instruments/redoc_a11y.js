// Redoc: start it with the page's settings (a JSON data block), and let a keyboard
// reach the code samples that scroll sideways. (A file, not an inline script: CSP.)
(function () {
  var container = document.getElementById("redoc-container");
  var settings = document.getElementById("redoc-settings");
  if (container && settings && typeof Redoc !== "undefined") {
    Redoc.init(container.dataset.schemaUrl, JSON.parse(settings.textContent), container);
  }
  new MutationObserver(function () {
    document.querySelectorAll("pre:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
