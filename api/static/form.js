// Show and hide conditional form fields while typing; the server evaluates the conditions (FEEL),
// exactly as it does on submit, so the page without this script behaves the same after a submit.
(function () {
  "use strict";
  // After a refused submit, take keyboard and screen-reader users straight to what needs fixing.
  var message = document.querySelector(".regie-error-summary, #task-problem");
  if (message) {
    message.focus();
  }
  var form = document.querySelector("form[data-visibility-url]");
  if (!form || !window.fetch || !window.FormData || !form.querySelector(".regie-conditional")) {
    return;
  }
  var timer = null;

  function refresh() {
    fetch(form.getAttribute("data-visibility-url"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) {
        return;
      }
      var parts = form.querySelectorAll(".regie-conditional");
      data.hidden.forEach(function (hidden, index) {
        if (parts[index]) {
          parts[index].hidden = hidden;
        }
      });
    }).catch(function () {
      // Without an answer the server still decides on submit.
    });
  }

  function later(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, delay);
  }

  form.addEventListener("change", function () { later(50); });
  form.addEventListener("input", function () { later(400); });
})();
