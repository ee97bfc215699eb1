/* The order form: ticking a found task moves it into the order; Enter in the finder searches
 * instead of issuing the order. (The units' filter box is js/checklists.js.) */
(function () {
  "use strict";
  var form = document.getElementById("order-form");
  var chosen = document.getElementById("order-chosen");
  if (!form || !chosen) return;
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches(".rl-order-pick") || !box.checked) return;
    var row = box.closest("tr");
    if (row.parentElement === chosen) return;
    var placeholder = chosen.querySelector(".rl-order-placeholder");
    if (placeholder) placeholder.remove();
    chosen.appendChild(row);
  });
  var finder = document.getElementById("order-q");
  if (finder) {
    finder.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        document.getElementById("order-find").click();
      }
    });
  }
})();
