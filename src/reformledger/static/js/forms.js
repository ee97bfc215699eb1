/* Forms that cannot be sent twice, and "select all" boxes.
 *
 * A POST form's submit buttons are disabled once it is sent (a double click sends it once); they
 * come back when the page is shown again from the history (the back button). A form sent by htmx
 * disables its buttons while the request runs (hx-disabled-elt). A form that downloads a file
 * (data-rl-download) is not held: the page stays where it is.
 * A box with data-rl-check-all="name" ticks or clears every box of that name on the page.
 * A form with data-confirm="question?" is sent only when the person confirms (instead of an
 * onsubmit attribute, which the Content-Security-Policy refuses).
 */
(function () {
  "use strict";
  var HTMX = ["hx-post", "hx-put", "hx-patch", "hx-delete"];

  function isHtmx(form) {
    return HTMX.some(function (name) { return form.hasAttribute(name); });
  }

  function buttons(form) {
    var inside = Array.prototype.slice.call(form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]"));
    var outside = form.id ? Array.prototype.slice.call(document.querySelectorAll("[form='" + form.id + "'][type=submit]")) : [];
    return inside.concat(outside);
  }

  // Capture, first: a form that asks before it is sent stops here when the person says no.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // Capture: htmx forms get hx-disabled-elt before htmx reads it (htmx listens on the form itself).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") return;
    if (isHtmx(form) && !form.hasAttribute("hx-disabled-elt")) form.setAttribute("hx-disabled-elt", "find [type=submit]");
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if ((form.method || "").toLowerCase() !== "post" || isHtmx(form) || form.hasAttribute("data-rl-download")) return;
    if (form.dataset.rlSent) { event.preventDefault(); return; }
    form.dataset.rlSent = "1";
    form.setAttribute("aria-busy", "true");
    // After this turn: the button that sent the form still names its value (name="decision").
    window.setTimeout(function () {
      buttons(form).forEach(function (button) { button.disabled = true; });
    }, 0);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-rl-sent]").forEach(function (form) {
      delete form.dataset.rlSent;
      form.removeAttribute("aria-busy");
      buttons(form).forEach(function (button) { button.disabled = false; });
    });
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.rlCheckAll) return;
    document.querySelectorAll("input[type=checkbox][name='" + box.dataset.rlCheckAll + "']").forEach(function (other) {
      other.checked = box.checked;
    });
  });

  // A list paged or filtered by htmx changes the address without a new page: the language form
  // then goes back to the address shown, not to the one the page was first served at.
  function followAddress() {
    document.querySelectorAll("form.rl-lang input[name=next]").forEach(function (next) {
      next.value = window.location.pathname + window.location.search;
    });
  }
  document.addEventListener("htmx:pushedIntoHistory", followAddress);
  document.addEventListener("htmx:replacedInHistory", followAddress);
})();
