// The new-call console (受理台): the phone field focused, Ctrl+Enter (Cmd+Enter) submits, the
// form logged through htmx so the page and its call stay, the screen-pop binding the form to
// the caller's call, and picked suggestions filling the form.
(function () {
  "use strict";

  function focusPhone() {
    var phone = document.getElementById("phone");
    if (phone && !phone.value) phone.focus();
    else if (phone) document.getElementById("description").focus();
  }

  document.addEventListener("DOMContentLoaded", focusPhone);

  // Ctrl+Enter submits the form being typed in (the new call, or a 追加 on the screen-pop);
  // outside any form, the new-call form. A click on its submit button goes through htmx.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
    var form = (e.target.closest && e.target.closest("form")) || document.getElementById("callform");
    var submit = form && form.querySelector('[type="submit"]');
    if (!submit) return;
    e.preventDefault();
    submit.click();
  });

  // A form refused (422, 409) comes back with what is wrong: show it where it was sent.
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    var target = e.detail.target;
    var ours = target && (target.id === "callform-card" || target.closest("[data-swap-errors]"));
    if (ours && status >= 400 && status < 500) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.target && e.detail.target.id === "callform-card") focusPhone();
    // The screen-pop names the caller's call: bind the form to it and fill in the number,
    // keeping whatever the operator has typed already.
    var pop = document.querySelector("#caller [data-bind-call]:not([data-bound])");
    if (!pop) return;
    pop.setAttribute("data-bound", "1");
    var sid = document.getElementById("call_sid");
    var phone = document.getElementById("phone");
    if (sid) sid.value = pop.dataset.bindCall;
    if (phone && pop.dataset.bindPhone) phone.value = pop.dataset.bindPhone;
    var note = document.getElementById("bound-call");
    if (note) note.hidden = false;
    var description = document.getElementById("description");
    if (description) description.focus();
  });

  // Picking a suggestion fills the form's selects.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-fill]");
    if (!b) return;
    var el = document.getElementById(b.dataset.fill);
    if (el) el.value = b.dataset.value;
    e.preventDefault();
  });
})();
