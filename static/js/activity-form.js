// Show only the result fields of the chosen kind. Without this script every kind's fields
// stay visible and the server reads only the chosen kind's, so the form works either way.
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  if (!form) { return; }
  var kind = form.querySelector("select[name=kind]");
  var qrKinds = (form.getAttribute("data-qr-kinds") || "").split(" ");
  function update() {
    // Pre-registration is only for kinds residents check in to by QR (the server says so too).
    form.querySelectorAll("[data-qr-only]").forEach(function (box) { box.hidden = qrKinds.indexOf(kind.value) < 0; });
    form.querySelectorAll("[data-kind-results]").forEach(function (set) {
      var on = set.getAttribute("data-kind-results") === kind.value;
      set.hidden = !on;
      set.disabled = !on;
    });
  }
  kind.addEventListener("change", update);
  update();
})();
