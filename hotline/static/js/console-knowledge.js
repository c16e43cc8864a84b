// The knowledge base beside the new-call form (templates/console/_knowledge.html): the search
// follows what the operator types, and an article's answer fills the 直接办结 field.
(function () {
  // The start of the complaint is searched: it says what the call is about, and a GET URL of
  // 4,000 Chinese characters (36 KB encoded) would pass no proxy's request-line limit.
  var QUERY_CHARS = 200;

  document.addEventListener("htmx:configRequest", function (e) {
    if (!e.detail.elt || e.detail.elt.id !== "knowledge") return;
    var description = document.getElementById("description");
    e.detail.parameters["q"] = description ? description.value.slice(0, QUERY_CHARS) : "";
  });

  document.addEventListener("click", function (e) {
    var pick = e.target.closest("[data-answer-with]");
    if (pick) {
      e.preventDefault();
      var answer = document.getElementById("answer");
      answer.value = pick.dataset.answer;
      document.getElementById("article").value = pick.dataset.answerWith;
      document.getElementById("article-used").textContent = "← " + pick.dataset.title;
      var kind = document.querySelector("#callform select[name=kind]");
      if (kind) kind.value = "consultation";  // 直接办结 answers a consultation (咨询)
      answer.focus();
      return;
    }
    // The answer is needed to close at source, not to log a call for dispatch.
    var submit = e.target.closest("#callform button[type=submit]");
    if (submit) document.getElementById("answer").required = submit.hasAttribute("data-resolve");
  });

  // Emptying the answer drops the article it was filled from (an edited answer keeps it).
  document.addEventListener("input", function (e) {
    if (e.target.id === "answer" && !e.target.value.trim()) {
      document.getElementById("article").value = "";
      document.getElementById("article-used").textContent = "";
    }
  });
})();
