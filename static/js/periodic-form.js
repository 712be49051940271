// Periodic report form: nothing typed is lost on a dropped connection (SPEC §11, §15).
// Every keystroke is kept in this browser (localStorage) at once, and sent to the server's draft a moment later;
// when the server cannot be reached the text waits here and is sent when the network returns or the page reloads.
(function () {
  var form = document.getElementById("periodic-form");
  if (!form) return;
  var key = form.getAttribute("data-storage-key");
  var url = form.getAttribute("data-autosave-url");
  var serverUpdated = parseInt(form.getAttribute("data-server-updated") || "0", 10);
  var statusLine = document.getElementById("autosave-status");
  var fields = form.querySelectorAll("textarea[data-section]");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  var sending = false;

  function say(text) { if (statusLine) statusLine.textContent = text; }
  function clock(d) { return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2); }

  function sections() {
    var out = {};
    fields.forEach(function (f) { out[f.getAttribute("data-section")] = f.value; });
    return out;
  }

  function readLocal() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function writeLocal(synced) {
    form.setAttribute("data-synced", synced ? "true" : "false");  // what is on the server (tests and styles)
    try {
      window.localStorage.setItem(key, JSON.stringify({ sections: sections(), t: Date.now(), synced: synced }));
    } catch (e) { /* storage full or disabled: the server draft still works */ }
  }

  var again = false;

  function send() {
    if (sending) { again = true; return; }
    sending = true;
    var snapshot = sections();
    var sent = JSON.stringify(snapshot);
    fetch(url, { method: "POST", credentials: "same-origin", body: JSON.stringify({ sections: snapshot }),
                 headers: { "Content-Type": "application/json", "X-CSRFToken": csrf } })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function () {
        var local = readLocal();
        if (local && JSON.stringify(local.sections) === sent) writeLocal(true);
        say("Đã lưu nháp lên máy chủ lúc " + clock(new Date()) + ".");
      })
      .catch(function () {
        say("Mất kết nối: nội dung đã được giữ trên máy này và sẽ gửi lên khi có mạng.");
      })
      .then(function () {
        sending = false;
        if (again) { again = false; send(); }
      });
  }

  function changed() {
    writeLocal(false);
    window.clearTimeout(timer);
    timer = window.setTimeout(send, 800);
  }

  // Text typed here that never reached the server (offline, closed tab) is put back and sent again.
  var local = readLocal();
  if (local && !local.synced && local.t > serverUpdated && local.sections) {
    fields.forEach(function (f) {
      var v = local.sections[f.getAttribute("data-section")];
      if (typeof v === "string") f.value = v;
    });
    say("Đã khôi phục nội dung chưa lưu lên máy chủ; đang gửi lại…");
    form.setAttribute("data-synced", "false");
    send();
  } else {
    form.setAttribute("data-synced", "true");  // the page shows the server's draft
  }

  fields.forEach(function (f) { f.addEventListener("input", changed); });
  window.addEventListener("online", function () {
    var pending = readLocal();
    if (pending && !pending.synced) send();
  });
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm-submit");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    writeLocal(true);  // the form's own POST carries the text now
  });
})();
