/* Scanner page (SPEC §5): camera (vendored qr-scanner), USB keyboard input, search, offline queue with nonces. */
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root) return;
  var T = JSON.parse(document.getElementById("scanner-i18n").textContent);
  var postUrl = root.dataset.postUrl, searchUrl = root.dataset.searchUrl, csrf = root.dataset.csrf;
  var KEY = "lantoa.scanQueue." + root.dataset.activity;
  var panel = document.getElementById("scan-panel");
  var pendingBadge = document.getElementById("scan-pending");
  var totalEl = document.getElementById("scan-total");
  var flushing = false;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save(q) { localStorage.setItem(KEY, JSON.stringify(q)); showPending(); }
  function showPending() {
    var n = load().length;
    pendingBadge.querySelector("span").textContent = n;
    pendingBadge.classList.toggle("d-none", n === 0);
  }
  function show(state, text) {
    panel.className = "scan-panel mb-2 scan-" + state;
    panel.dataset.state = state;
    panel.textContent = text;
  }
  function showAnswer(status, body) {
    if (status === 201) { show("ok", T.ok + ": " + body.full_name); totalEl.textContent = (+totalEl.textContent + 1); }
    else if (status === 200) show("dup", body.full_name + " — " + T.dup + " " + body.first_time);
    else show("bad", T.bad + ": " + ((body && body.error && body.error.message) || T.error));
  }

  function send(item) {
    return fetch(postUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify(item)
    }).then(function (r) { return r.json().then(function (b) { return {status: r.status, body: b}; }); });
  }

  /* Every scan goes through the queue first, so a page closed mid-request loses nothing. */
  function enqueue(item) {
    item.nonce = uuid();
    var q = load(); q.push(item); save(q);
    if (!navigator.onLine) { show("dup", T.queued + " (" + q.length + ")"); return; }
    flush(true);
  }
  function flush(showLast) {
    if (flushing) return;
    var q = load();
    if (!q.length) return;
    flushing = true;
    var item = q[0];
    send(item).then(function (res) {
      if (res.status >= 500) throw new Error("server");
      var rest = load().filter(function (x) { return x.nonce !== item.nonce; });
      save(rest);
      if (showLast || rest.length === 0) showAnswer(res.status, res.body);
      flushing = false;
      if (rest.length) flush(showLast);
    }).catch(function () {
      flushing = false;
      show("dup", T.queued + " (" + load().length + ")");
    });
  }
  window.addEventListener("online", function () { document.getElementById("scan-offline").classList.add("d-none"); flush(false); });
  window.addEventListener("offline", function () { document.getElementById("scan-offline").classList.remove("d-none"); });
  setInterval(function () { if (navigator.onLine) flush(false); }, 5000);
  if (!navigator.onLine) document.getElementById("scan-offline").classList.remove("d-none");
  showPending();
  flush(false);

  /* USB scanners type the ticket then Enter. */
  var usb = document.getElementById("usb-input");
  document.getElementById("usb-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var v = usb.value.trim();
    usb.value = "";
    if (v) enqueue({ticket: v});
    usb.focus();
  });

  /* Camera: only on secure pages (HTTPS or localhost). */
  var video = document.getElementById("scan-video");
  var toggle = document.getElementById("camera-toggle");
  var scanner = null, lastText = "", lastAt = 0;
  if (!window.isSecureContext || !navigator.mediaDevices || typeof QrScanner === "undefined") {
    document.getElementById("scan-insecure").classList.remove("d-none");
    toggle.disabled = true;
  } else {
    // qr-scanner 1.4 loads its worker itself, relative to qr-scanner.umd.min.js: the vendored
    // static/vendor/qr-scanner/qr-scanner-worker.min.js (data-worker-url names it; setting WORKER_PATH only warns).
    toggle.addEventListener("click", function () {
      if (scanner) {
        scanner.stop(); scanner.destroy(); scanner = null;
        video.classList.add("d-none"); toggle.querySelector("span").textContent = T.camera_on; return;
      }
      video.classList.remove("d-none");
      scanner = new QrScanner(video, function (result) {
        var text = (result && result.data) || result;
        var now = Date.now();
        if (text === lastText && now - lastAt < 3000) return;  // the same ticket held in front of the camera
        lastText = text; lastAt = now;
        enqueue({ticket: text});
      }, {returnDetailedScanResult: true, maxScansPerSecond: 5});
      scanner.start().then(function () { toggle.querySelector("span").textContent = T.camera_off; })
        .catch(function () { show("bad", T.no_camera); video.classList.add("d-none"); scanner = null; });
    });
  }

  /* Search as you type; a click checks the person in (queued like a scan). */
  var search = document.getElementById("search-input"), results = document.getElementById("search-results");
  var timer = null, seq = 0;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = search.value.trim(), mine = ++seq;
      if (!q) { results.innerHTML = ""; return; }
      fetch(searchUrl + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (rows) {
          if (mine !== seq) return;
          results.innerHTML = "";
          if (!rows.length) { results.textContent = T.none; return; }
          rows.forEach(function (p) {
            var b = document.createElement("button");
            b.type = "button"; b.className = "list-group-item list-group-item-action py-3";
            b.textContent = p.full_name + (p.birth_year ? " (" + p.birth_year + ")" : "") + "  " + (p.phone || "") +
              (p.checked_in_at ? " — " + T.already + " " + p.checked_in_at : "");
            b.addEventListener("click", function () { enqueue({registration_id: p.registration_id}); search.value = ""; results.innerHTML = ""; });
            results.appendChild(b);
          });
        }).catch(function () {});
    }, 150);
  });
})();
