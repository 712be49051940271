// Behaviour shared by every page, kept out of the HTML so the CSP can forbid inline script.
(function () {
  // <form data-confirm="Xóa ảnh này?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);
})();
