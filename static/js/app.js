// Behaviour shared by every page, kept out of the HTML so the CSP can forbid inline script.
(function () {
  // <form data-confirm="Xóa ảnh này?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // A form with a one-time token (app/idempotency.py), sent, then reached again with the back button: staff pages
  // are never cached (no-store), so the browser fetches the form again and gets a new token, and "Lưu" once more
  // would store a second copy. The token sent is kept in that history entry's state and put back when the entry
  // is shown again, so the server answers as it did the first time (issue 15 item 3). A form opened afresh (a
  // link, a new tab) has no such state and keeps its new token.
  function key(form) {
    return Array.prototype.indexOf.call(document.forms, form);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var token = !event.defaultPrevented && form.querySelector && form.querySelector("input[name=form_token]");
    if (!token) return;
    var state = Object.assign({}, history.state);
    state.formTokens = Object.assign({}, state.formTokens);
    state.formTokens[key(form)] = token.value;
    history.replaceState(state, "");
  });
  function restoreTokens() {
    var kept = history.state && history.state.formTokens;
    if (!kept) return;
    Array.prototype.forEach.call(document.forms, function (form) {
      var token = form.querySelector("input[name=form_token]");
      if (token && kept[key(form)]) token.value = kept[key(form)];
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restoreTokens);
  else restoreTokens();
})();
