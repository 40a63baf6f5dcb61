// Swagger UI puts the deep link of an operation inside its expand button, which is
// nested interactive content; the operation still opens, and its address is in the
// page's URL once open. (A file, not an inline script: CSP.)
new MutationObserver(function () {
  document.querySelectorAll(".opblock-summary-control a.nostyle").forEach(function (a) {
    a.replaceWith.apply(a, Array.prototype.slice.call(a.childNodes));
  });
}).observe(document.body, { childList: true, subtree: true });
