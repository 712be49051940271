// The schedule editor shows only the fields of the chosen kind of schedule. Without this script every field
// stays visible (each says which kind it is for) and the server reads only the chosen kind's.
(function () {
  "use strict";
  var editor = document.querySelector("[data-schedule-editor]");
  if (!editor) { return; }
  var kind = editor.querySelector("select[name=kind]");
  function update() {
    editor.querySelectorAll("[data-kinds]").forEach(function (group) {
      group.hidden = group.getAttribute("data-kinds").split(" ").indexOf(kind.value) < 0;
    });
  }
  kind.addEventListener("change", update);
  update();
})();
