// Targets chart: actual against target per year (the table beside it carries the same numbers).
(function () {
  var el = document.getElementById("targets-chart");
  var dataEl = document.getElementById("targets-data");
  if (!el || !dataEl || typeof Chart === "undefined") return;
  var rows = JSON.parse(dataEl.textContent);
  var years = Array.from(new Set(rows.map(function (r) { return r.year; }))).sort();
  function series(metric, key) {
    return years.map(function (y) {
      var r = rows.find(function (x) { return x.metric === metric && x.year === y; });
      return r ? r[key] : null;
    });
  }
  var fmt = new Intl.NumberFormat("vi-VN");
  new Chart(el, {
    type: "bar",
    data: {
      labels: years,
      datasets: [
        { label: "Chỉ tiêu tổng số", data: series("bhxh_participants", "target"), backgroundColor: "#9ec5fe" },
        { label: "Thực hiện tổng số", data: series("bhxh_participants", "actual"), backgroundColor: "#0b5394" },
        { label: "Chỉ tiêu tự nguyện", data: series("bhxh_voluntary", "target"), backgroundColor: "#ffe69c" },
        { label: "Thực hiện tự nguyện", data: series("bhxh_voluntary", "actual"), backgroundColor: "#cc9a06" }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: { duration: 300 },
      scales: { y: { ticks: { callback: function (v) { return fmt.format(v); } } } },
      plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + fmt.format(c.parsed.y); } } } }
    }
  });
})();
