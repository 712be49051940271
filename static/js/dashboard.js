// City dashboard charts (Chart.js, global Chart). The numbers come from the JSON block the page renders;
// every chart has a table with the same numbers under it.
// The second-wave blocks (plan tasks, targets and ranking) are fetched after the page is shown: each is one
// register or ranking over every commune. Without script, or if the fetch fails, the link opens the block's page.
(function () {
  var slots = Array.prototype.slice.call(document.querySelectorAll("[data-fragment]"));
  // One after the other: each block is a heavy query on the server, and the analyst reads them top down.
  function next() {
    var slot = slots.shift();
    if (!slot) return;
    var state = slot.querySelector("[data-fragment-state]");
    fetch(slot.getAttribute("data-fragment"), { headers: { "X-Fragment": "1" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        slot.innerHTML = html;
        slot.removeAttribute("aria-busy");
        slot.setAttribute("data-loaded", "");
        if (location.hash && slot.querySelector(location.hash)) slot.querySelector(location.hash).scrollIntoView();
      })
      .catch(function () {
        slot.removeAttribute("aria-busy");
        if (state) state.textContent = slot.getAttribute("data-failed") || "—";
      })
      .then(next);
  }
  next();
})();

(function () {
  var dataEl = document.getElementById("dashboard-data");
  if (!dataEl || typeof Chart === "undefined") return;
  var d = JSON.parse(dataEl.textContent);
  var colours = { done: "#198754", late: "#e0a800", planned: "#0d6efd", pending: "#adb5bd", overdue: "#dc3545" };
  var fmt = new Intl.NumberFormat("vi-VN");
  var pct = new Intl.NumberFormat("vi-VN", { style: "percent", maximumFractionDigits: 1 });
  function ddmm(iso) { var p = iso.split("-"); return p[2] + "/" + p[1]; }
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;  // numbers, not motion; also makes printing and screenshots exact

  var duties = document.getElementById("duties-chart");
  if (duties) {
    new Chart(duties, {
      type: "bar",
      data: {
        labels: d.duties.map(function (x) { return "NV " + x.no; }),
        datasets: d.statuses.map(function (s) {
          return { label: d.status_labels[s], data: d.duties.map(function (x) { return x[s]; }),
                   backgroundColor: colours[s] };
        })
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false,
        scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: {
            title: function (items) { var x = d.duties[items[0].dataIndex]; return "Nhiệm vụ " + x.no + ": " + x.text.slice(0, 70); },
            label: function (c) { return c.dataset.label + ": " + fmt.format(c.parsed.x); }
          } }
        }
      }
    });
  }

  var timeline = document.getElementById("timeline-chart");
  if (timeline) {
    new Chart(timeline, {
      type: "bar",
      data: {
        labels: d.timeline.map(ddmm),
        datasets: [
          { label: "Đã tổ chức", data: d.held, backgroundColor: colours.done },
          { label: "Kế hoạch", data: d.planned, backgroundColor: "#9ec5fe" }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
      }
    });
  }

  var trend = document.getElementById("trend-chart");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: {
        labels: d.trend_days.map(ddmm),
        datasets: [
          { label: "Hoàn thành (kể cả trễ hạn)", data: d.completed, borderColor: "#0b5394", backgroundColor: "#0b5394", tension: 0.2 },
          { label: "Đúng hạn", data: d.on_time, borderColor: colours.done, backgroundColor: colours.done, tension: 0.2 }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false,
        scales: { y: { min: 0, max: 1, ticks: { callback: function (v) { return pct.format(v); } } } },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + pct.format(c.parsed.y); } } }
        }
      }
    });
  }
})();
