// A test-only stand-in for @twilio/voice-sdk's browser bundle, served instead of the vendored
// file by Playwright's route interception (tests/browser/test_softphone.py). It implements only
// the documented surface softphone.js uses: Twilio.Device(token, options) with on, connect
// (a Promise of a Call) and updateToken, emitting error and tokenWillExpire; Call with
// parameters, on, mute, isMuted and disconnect, emitting accept, disconnect, cancel and error.
// `answer(callSid)` plays Twilio connecting the call; `sentParams` is what connect was given.
(function () {
  "use strict";
  function Emitter() { this._handlers = {}; }
  Emitter.prototype.on = function (name, fn) {
    (this._handlers[name] = this._handlers[name] || []).push(fn);
    return this;
  };
  Emitter.prototype.emit = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    (this._handlers[name] || []).forEach(function (fn) { fn.apply(null, args); });
    return true;
  };

  function Call(params) {
    Emitter.call(this);
    this.parameters = {};
    this.sentParams = params || {};
    this.customParameters = new Map(Object.entries(this.sentParams));
    this._muted = false;
  }
  Call.prototype = Object.create(Emitter.prototype);
  Call.prototype.mute = function (shouldMute) {
    this._muted = shouldMute !== false;
    this.emit("mute", this._muted, this);
  };
  Call.prototype.isMuted = function () { return this._muted; };
  Call.prototype.disconnect = function () { this.emit("disconnect", this); };
  Call.prototype.answer = function (callSid) {
    this.parameters.CallSid = callSid;
    this.emit("accept", this);
  };

  function Device(token, options) {
    Emitter.call(this);
    this.token = token;
    this.tokens = [token];
    this.options = options || {};
    this.calls = [];
    window.__device = this;
  }
  Device.prototype = Object.create(Emitter.prototype);
  Device.prototype.connect = function (options) {
    var call = new Call((options || {}).params);
    this.calls.push(call);
    return Promise.resolve(call);
  };
  Device.prototype.updateToken = function (token) {
    this.token = token;
    this.tokens.push(token);
  };
  Device.isSupported = true;

  window.Twilio = { Device: Device, Call: Call };
})();
