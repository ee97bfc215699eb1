/* A box that narrows a long list of checkboxes (co-units, units of an order): progressive
 * enhancement, shown only when scripts run. <input class="rl-checklist-filter" data-filters="#list">;
 * with data-checked-first the boxes already ticked are moved to the top, to be seen without scrolling.
 */
(function () {
  "use strict";
  document.querySelectorAll(".rl-checklist-filter").forEach(function (input) {
    var list = document.querySelector(input.getAttribute("data-filters"));
    if (!list) return;
    input.hidden = false;
    if (input.hasAttribute("data-checked-first")) {
      Array.prototype.slice.call(list.querySelectorAll("input:checked")).reverse().forEach(function (box) {
        var row = box.closest("label").parentElement;
        row.parentElement.prepend(row);
      });
    }
    input.addEventListener("input", function () {
      var text = input.value.trim().toLowerCase();
      list.querySelectorAll("label").forEach(function (label) {
        var row = label.parentElement;
        var checked = label.querySelector("input").checked;
        row.hidden = text !== "" && !checked && label.textContent.toLowerCase().indexOf(text) === -1;
      });
    });
  });
})();
