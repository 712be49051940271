// One date input for every page: always shows and accepts dd/mm/yyyy (date-time: dd/mm/yyyy HH:MM, 24 h),
// whatever the browser's language, with a small calendar picker. Native <input type=date> shows mm/dd/yyyy in
// an English browser, so the app never uses it. Markup: <input type="text" data-date> or data-datetime.
(function () {
  "use strict";
  var EN = (document.documentElement.lang || "vi").slice(0, 2) === "en";
  var MONTHS = EN
    ? ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
       "November", "December"]
    : ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6", "Tháng 7", "Tháng 8", "Tháng 9",
       "Tháng 10", "Tháng 11", "Tháng 12"];
  var DAYS = EN ? ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"] : ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
  var T = EN
    ? {open: "Choose a date", prev: "Previous month", next: "Next month", today: "Today", close: "Close"}
    : {open: "Chọn ngày", prev: "Tháng trước", next: "Tháng sau", today: "Hôm nay", close: "Đóng"};

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function dmy(d) { return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear(); }

  // "1/7/2026", "01-07-2026", "01.07.2026", "01072026", "2026-07-01" -> a Date (local), else null.
  function parseDay(text) {
    var s = (text || "").trim(), m, y, mo, d;
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) { y = +m[1]; mo = +m[2]; d = +m[3]; }
    else if ((m = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/.exec(s))) { d = +m[1]; mo = +m[2]; y = +m[3]; }
    else if ((m = /^(\d{2})(\d{2})(\d{4})$/.exec(s))) { d = +m[1]; mo = +m[2]; y = +m[3]; }
    else return null;
    var date = new Date(y, mo - 1, d);
    return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d ? date : null;
  }

  // "8:00", "8h", "0800", "08:00:00" -> "08:00", else null.
  function parseTime(text) {
    var m = /^(\d{1,2})(?:[:h.]?(\d{2}))?(?::\d{2})?h?$/.exec((text || "").trim());
    if (!m) return null;
    var h = +m[1], mi = m[2] ? +m[2] : 0;
    return h < 24 && mi < 60 ? pad(h) + ":" + pad(mi) : null;
  }

  // Rewrite what was typed into the one shape; leave text we cannot read as it is (the server says why).
  function normalise(input) {
    var raw = input.value.trim();
    if (!raw) return;
    if (input.hasAttribute("data-datetime")) {
      var parts = raw.replace("T", " ").split(/\s+/), day = parseDay(parts[0]);
      var time = parts[1] ? parseTime(parts[1]) : "";
      if (day && time !== null) input.value = dmy(day) + (time ? " " + time : "");
    } else {
      var only = parseDay(raw);
      if (only) input.value = dmy(only);
    }
  }

  var open = null;  // {input, box, month}

  function close() {
    if (!open) return;
    open.box.remove();
    open.button.setAttribute("aria-expanded", "false");
    open = null;
  }

  function choose(day) {
    var input = open.input;
    if (input.hasAttribute("data-datetime")) {
      var time = (input.value.trim().split(/\s+/)[1] || "");
      input.value = dmy(day) + (parseTime(time) ? " " + parseTime(time) : "");
    } else {
      input.value = dmy(day);
    }
    input.dispatchEvent(new Event("change", {bubbles: true}));
    var button = open.button;
    close();
    input.focus();
    if (button) input.setSelectionRange(input.value.length, input.value.length);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render() {
    var box = open.box, first = open.month, selected = parseDay((open.input.value || "").split(/\s+/)[0]);
    var today = new Date();
    box.textContent = "";
    var head = el("div", "dp-head");
    var prev = el("button", "btn btn-sm btn-light", "‹");
    prev.type = "button"; prev.setAttribute("aria-label", T.prev);
    var next = el("button", "btn btn-sm btn-light", "›");
    next.type = "button"; next.setAttribute("aria-label", T.next);
    var title = el("div", "dp-title", MONTHS[first.getMonth()] + " " + first.getFullYear());
    title.setAttribute("aria-live", "polite");
    prev.addEventListener("click", function () { open.month = new Date(first.getFullYear(), first.getMonth() - 1, 1); render(); });
    next.addEventListener("click", function () { open.month = new Date(first.getFullYear(), first.getMonth() + 1, 1); render(); });
    head.append(prev, title, next);
    var grid = el("div", "dp-grid");
    grid.setAttribute("role", "grid");
    DAYS.forEach(function (d) { grid.append(el("div", "dp-dow", d)); });
    var offset = (first.getDay() + 6) % 7;  // Monday first, as Vietnamese calendars print
    for (var i = 0; i < offset; i++) grid.append(el("div", "dp-empty"));
    var days = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
    for (var n = 1; n <= days; n++) {
      var day = new Date(first.getFullYear(), first.getMonth(), n);
      var b = el("button", "dp-day", String(n));
      b.type = "button";
      b.setAttribute("aria-label", dmy(day));
      if (selected && +selected === +day) b.classList.add("dp-selected");
      if (dmy(today) === dmy(day)) b.classList.add("dp-today");
      b.addEventListener("click", choose.bind(null, day));
      grid.append(b);
    }
    var foot = el("div", "dp-foot");
    var todayButton = el("button", "btn btn-sm btn-link", T.today);
    todayButton.type = "button";
    todayButton.addEventListener("click", function () { choose(new Date(today.getFullYear(), today.getMonth(), today.getDate())); });
    var closeButton = el("button", "btn btn-sm btn-link", T.close);
    closeButton.type = "button";
    closeButton.addEventListener("click", close);
    foot.append(todayButton, closeButton);
    box.append(head, grid, foot);
  }

  function toggle(input, button) {
    if (open && open.input === input) { close(); return; }
    close();
    var picked = parseDay((input.value || "").split(/\s+/)[0]) || new Date();
    var box = el("div", "dp-box shadow");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", T.open);
    open = {input: input, button: button, box: box, month: new Date(picked.getFullYear(), picked.getMonth(), 1)};
    button.setAttribute("aria-expanded", "true");
    render();
    input.closest(".dp-wrap").append(box);
    var sel = box.querySelector(".dp-selected") || box.querySelector(".dp-today") || box.querySelector(".dp-day");
    if (sel) sel.focus();
  }

  function enhance(input) {
    if (input.closest(".dp-wrap")) return;
    var wrap = el("div", "input-group dp-wrap" + (input.classList.contains("form-control-sm") ? " input-group-sm" : ""));
    input.parentNode.insertBefore(wrap, input);
    wrap.append(input);
    var button = el("button", "btn btn-outline-secondary");
    button.type = "button";
    button.setAttribute("aria-label", T.open);
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    button.append(el("i", "bi bi-calendar3"));
    button.addEventListener("click", function () { toggle(input, button); });
    wrap.append(button);
    input.addEventListener("blur", function () { normalise(input); });
    normalise(input);
  }

  function init() {
    document.querySelectorAll("input[data-date], input[data-datetime]").forEach(enhance);
    // The form posts what the reader sees, in the one shape, even if the field still has focus.
    document.addEventListener("submit", function (event) {
      event.target.querySelectorAll && event.target.querySelectorAll("input[data-date], input[data-datetime]").forEach(normalise);
    }, true);
    document.addEventListener("keydown", function (event) { if (event.key === "Escape" && open) { var i = open.input; close(); i.focus(); } });
    document.addEventListener("click", function (event) { if (open && !open.input.closest(".dp-wrap").contains(event.target)) close(); });
  }

  window.LanToaDates = {parseDay: parseDay, parseTime: parseTime, normalise: normalise, enhance: enhance};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
