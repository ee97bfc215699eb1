/* Sizes and positions the server computes: bars, progress, indents (ADR 0029).
 *
 * The Content-Security-Policy refuses style="…" in markup, but not styles set from a script. So a
 * template writes data-rl-width="42.5" (percent), data-rl-left="10" (percent) or data-rl-indent="40"
 * (pixels of left padding), and this applies them: on the page, and on every part htmx swaps in.
 * Only numbers are taken, so the attributes cannot carry any other style.
 */
(function () {
  "use strict";
  var RULES = [["rlWidth", "width", "%"], ["rlLeft", "left", "%"], ["rlIndent", "paddingLeft", "px"]];
  var SELECTOR = "[data-rl-width],[data-rl-left],[data-rl-indent]";

  function size(el) {
    RULES.forEach(function (rule) {
      var raw = el.dataset[rule[0]];
      if (raw === undefined || raw === "") return;
      var value = Number(raw);
      if (isFinite(value)) el.style[rule[1]] = value + rule[2];
    });
  }

  function apply(root) {
    if (root.matches && root.matches(SELECTOR)) size(root);
    if (root.querySelectorAll) root.querySelectorAll(SELECTOR).forEach(size);
  }

  apply(document);
  document.addEventListener("htmx:load", function (event) { apply(event.detail.elt); });
})();
