// Draw each monitoring chart from the table beside it (the table is the source; the chart is for the eye).
(function () {
  "use strict";
  var COLOURS = ["#1f5fa8", "#e17000", "#39870c", "#a90061", "#5b2c86", "#8b6d00", "#007bc7", "#d52b1e", "#4b4b4b"];

  function readTable(table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th")).slice(1);
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var labels = rows.map(function (row) { return row.querySelector("th").textContent.trim(); });
    var series = [];
    heads.forEach(function (head, index) {
      if (head.getAttribute("data-charted") === "nee") { return; }
      var values = rows.map(function (row) {
        var cell = row.querySelectorAll("td")[index];
        var raw = cell ? cell.getAttribute("data-value") : "";
        return raw === "" || raw === null ? null : Number(raw);
      });
      series.push({ name: head.textContent.trim(), values: values });
    });
    return { labels: labels, series: series };
  }

  function draw(canvas) {
    var table = document.getElementById(canvas.getAttribute("data-table"));
    if (!table || typeof window.Chart === "undefined") { return; }
    var data = readTable(table);
    var kind = canvas.getAttribute("data-chart");
    var stacked = kind === "stacked";
    var chart = new window.Chart(canvas, {
      type: kind === "line" ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.name, data: s.values, backgroundColor: COLOURS[i % COLOURS.length],
                   borderColor: COLOURS[i % COLOURS.length], tension: 0, pointRadius: 2 };
        })
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } },
        plugins: { legend: { position: "bottom" } }
      }
    });
    canvas.setAttribute("data-drawn", String(chart.data.datasets.length));
  }

  document.querySelectorAll("canvas[data-table]").forEach(draw);
}());
