// The operators' softphone on console pages, on Twilio's Voice JavaScript SDK (vendored in
// static/vendor/twilio-voice): presence (就绪/忙碌/离开), taking the next caller from the
// queue, calling back ([data-dial] buttons), mute and hang up, and the screen-pop when a call
// connects. Only the SDK's documented surface is used: Twilio.Device (connect, updateToken,
// events error and tokenWillExpire) and Call (parameters, mute, isMuted, disconnect, events
// accept, disconnect, cancel and error).
(function () {
  "use strict";
  var panel = document.getElementById("softphone");
  if (!panel) return;
  var d = panel.dataset;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";
  var statusEl = panel.querySelector("[data-sp-status]");
  var timerEl = panel.querySelector("[data-sp-timer]");
  var nextBtn = panel.querySelector('[data-sp="next"]');
  var muteBtn = panel.querySelector('[data-sp="mute"]');
  var hangupBtn = panel.querySelector('[data-sp="hangup"]');
  var device = null;
  var call = null;
  var pending = false;
  var expiresAt = 0;
  var timer = null;
  // Renew a token this long before it lapses when a call is about to start: the SDK's
  // tokenWillExpire comes only while its signalling connection is open.
  var MARGIN_MS = 60000;

  function say(text, tone) {
    statusEl.textContent = text;
    panel.dataset.tone = tone || "";
  }

  function problem(err) {
    var detail = err && (err.message || (err.body && err.body.error && err.body.error.message));
    return detail ? d.tError + "：" + detail : d.tError;
  }

  function fetchToken() {
    return fetch(d.tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw { status: r.status, body: body };
          expiresAt = Date.now() + body.ttl * 1000;
          return body.token;
        });
      });
  }

  function freshToken() {
    if (Date.now() < expiresAt - MARGIN_MS) return Promise.resolve();
    return fetchToken().then(function (token) { device.updateToken(token); });
  }

  function showPresence(state) {
    d.state = state;
    panel.querySelectorAll("[data-presence]").forEach(function (b) {
      var on = b.dataset.presence === state;
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function setPresence(state, callSid) {
    var body = new URLSearchParams({ state: state });
    if (callSid) body.set("call_sid", callSid);
    return fetch(d.presenceUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      body: body,
    }).then(function (r) {
      if (!r.ok) throw r;
      return r.json();
    }).then(function (saved) {
      showPresence(saved.state);
    }).catch(function () {
      say(d.tPresenceFailed, "bad");
    });
  }

  function onCall(active) {
    nextBtn.disabled = active || !device;
    muteBtn.hidden = !active;
    hangupBtn.hidden = !active;
    muteBtn.textContent = d.tMute;
    document.body.classList.toggle("sp-on-call", active);
  }

  function tick(startedAt) {
    var s = Math.floor((Date.now() - startedAt) / 1000);
    var mm = Math.floor(s / 60), ss = s % 60;
    timerEl.textContent = (mm < 10 ? "0" : "") + mm + ":" + (ss < 10 ? "0" : "") + ss;
  }

  // Follow one call: state, timer, presence (busy while talking, then back to what it was)
  // and, for a caller taken from the queue, the screen-pop by the call's own CallSid.
  function follow(c, how) {
    var before = d.state;
    call = c;
    onCall(true);
    c.on("accept", function () {
      var sid = c.parameters && c.parameters.CallSid;
      var startedAt = Date.now();
      tick(startedAt);
      timer = setInterval(function () { tick(startedAt); }, 1000);
      say(how.talking, "ok");
      setPresence("busy", sid);
      if (how.screenPop && sid && window.htmx) {
        window.htmx.ajax("GET", d.screenPopUrl + "?call=" + encodeURIComponent(sid),
          { target: "#caller", swap: "innerHTML" });
      }
    });
    function ended() {
      if (call !== c) return;
      call = null;
      clearInterval(timer);
      onCall(false);
      say(d.tEnded, "");
      if (before !== d.state) setPresence(before);
    }
    c.on("disconnect", ended);
    c.on("cancel", ended);
    c.on("error", function (err) { say(problem(err), "bad"); });
  }

  function connect(params, how) {
    if (!device) { say(pending ? d.tConnecting : d.tNotReady, "bad"); return; }
    if (call || pending) return;
    pending = true;
    onCall(true);
    say(how.calling, "info");
    freshToken()
      .then(function () { return device.connect(params ? { params: params } : {}); })
      .then(function (c) { follow(c, how); })
      .catch(function (err) { onCall(false); say(problem(err), "bad"); })
      .then(function () { pending = false; });
  }

  panel.addEventListener("click", function (e) {
    var b = e.target.closest("button");
    if (!b) return;
    if (b.dataset.presence) setPresence(b.dataset.presence, call && call.parameters && call.parameters.CallSid);
    else if (b === nextBtn) {
      // No `To`: the TwiML App dials the operators' queue (the longest-waiting caller).
      connect(null, { calling: d.tConnecting, talking: d.tOnCall, screenPop: true });
    } else if (b === muteBtn && call) {
      call.mute(!call.isMuted());
      muteBtn.textContent = call.isMuted() ? d.tUnmute : d.tMute;
    } else if (b === hangupBtn && call) call.disconnect();
  });

  // 回拨 anywhere on the page (missed calls, a caller's tickets): `To` makes the TwiML App
  // dial the number; `Task` names the missed-call task it answers.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-dial]");
    if (!b) return;
    e.preventDefault();
    var params = { To: b.dataset.dial };
    if (b.dataset.task) params.Task = b.dataset.task;
    connect(params, { calling: d.tCallingBack + " " + b.dataset.dial, talking: d.tOnCall + " " + b.dataset.dial });
  });

  fetchToken().then(function (token) {
    if (!window.Twilio || !window.Twilio.Device) throw new Error("Twilio.Device");
    device = new window.Twilio.Device(token, {
      closeProtection: d.tLeave, // leaving the page mid-call asks first
      codecPreferences: ["opus", "pcmu"],
      logLevel: "error",
    });
    device.on("error", function (err) { say(problem(err), "bad"); });
    device.on("tokenWillExpire", function () {
      fetchToken().then(function (t) { device.updateToken(t); })
        .catch(function (err) { say(problem(err), "bad"); });
    });
    document.body.classList.add("sp-ready");
    onCall(false);
    say(d.tIdle, "ok");
  }).catch(function (err) {
    // The rest of the console works without it; the 回拨 buttons hide (app.css .sp-off).
    document.body.classList.add("sp-off");
    nextBtn.disabled = true;
    panel.querySelectorAll("[data-presence]").forEach(function (b) { b.disabled = true; });
    say(err && err.status === 503 ? d.tUnconfigured : problem(err), "muted");
  });
})();
