// Live countdown badges: refresh the text and colour every 30 s from data-deadline.
(function () {
  var zh = document.documentElement.lang !== "en";
  function fmt(sec) {
    var s = Math.abs(sec), d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return d ? d + "d " + h + "h" : h ? h + "h " + m + "m" : m + "m";
  }
  function tick() {
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var sec = Math.floor((Date.parse(el.dataset.deadline) - Date.now()) / 1000);
      if (isNaN(sec)) return;
      var tone = sec < 0 ? "over" : sec < 86400 ? "warn" : "ok";
      el.className = "countdown cd-" + tone;
      var label = sec < 0 ? (zh ? "超时 " : "Overdue ") : (zh ? "剩 " : "Left ");
      el.innerHTML = label + "<b>" + fmt(sec) + "</b>";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.body.dataset.frozenClock) setInterval(tick, 30000);
  });
})();
