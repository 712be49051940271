// Show only the result fields of the chosen kind. Without this script every kind's fields
// stay visible and the server reads only the chosen kind's, so the form works either way.
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  if (!form) { return; }
  var kind = form.querySelector("select[name=kind]");
  function update() {
    form.querySelectorAll("[data-kind-results]").forEach(function (set) {
      var on = set.getAttribute("data-kind-results") === kind.value;
      set.hidden = !on;
      set.disabled = !on;
    });
  }
  kind.addEventListener("change", update);
  update();
})();
