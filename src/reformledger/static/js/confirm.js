/* A form with data-rl-confirm="question" asks the question before it is sent (deactivating a
 * person or a unit, issuing a one-time password); "Cancel" keeps the page as it is. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-rl-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
