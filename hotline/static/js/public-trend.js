// The unit page's 12-month trend: a line per rate from the page's JSON data block (no inline
// script, so the cached page needs no per-request CSP nonce). Without Chart.js the table stays.
document.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("trendChart");
  var data = document.getElementById("trend-data");
  if (!canvas || !data || !window.Chart) return;
  var d = JSON.parse(data.textContent);
  var colors = ["#1f5fa8", "#2f855a", "#b7791f", "#b4232a"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  new Chart(canvas, {
    type: "line",
    data: {
      labels: d.months,
      datasets: d.series.map(function (s, i) {
        return {label: s.label, data: s.values, borderColor: colors[i % colors.length],
          backgroundColor: colors[i % colors.length], spanGaps: true, tension: 0.2};
      })
    },
    options: {
      maintainAspectRatio: false,
      scales: {y: {min: 0, max: 100, ticks: {callback: function (v) { return v + "%"; }}}},
      plugins: {legend: {labels: {boxWidth: 10}}}
    }
  });
});
