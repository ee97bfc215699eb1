/* The units page: buttons that open or close every branch of the unit tree. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tree-toggle]");
    if (!button) return;
    var open = button.getAttribute("data-tree-toggle") === "open";
    document.querySelectorAll("#unit-tree details").forEach(function (d) { d.open = open; });
  });
})();
