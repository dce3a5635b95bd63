// Stepwise's only script of its own. Every page works without it; it adds
// small courtesies on top of htmx. No inline script anywhere (see the CSP).
(function () {
  "use strict";

  function flash(message) {
    var region = document.getElementById("flash");
    if (!region) return;
    var box = document.createElement("div");
    box.className = "flash__message flash__message--error";
    var p = document.createElement("p");
    p.textContent = message;
    box.appendChild(p);
    region.replaceChildren(box);
  }

  // A request that never reached the server (offline, server restarting).
  document.addEventListener("htmx:sendError", function () {
    flash("Stepwise could not be reached. Check your connection and try again.");
  });

  // A code block or table that scrolls sideways must be reachable from the
  // keyboard (WCAG 2.1.1): give each one that overflows a tab stop, so the
  // arrow keys scroll it, and take it back when it fits again. Only the
  // tab stops set here are ever removed.
  function keyboardScrollers() {
    document.querySelectorAll(".prose pre, .prose table").forEach(function (el) {
      var overflows = el.scrollWidth > el.clientWidth;
      if (overflows && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.dataset.scrollStop = "";
      } else if (!overflows && "scrollStop" in el.dataset) {
        el.removeAttribute("tabindex");
        delete el.dataset.scrollStop;
      }
    });
  }
  keyboardScrollers();
  window.addEventListener("load", keyboardScrollers);
  var resizing = 0;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(resizing);
    resizing = requestAnimationFrame(keyboardScrollers);
  });

  // Clear an old message once a later request succeeds.
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.successful && e.detail.target && e.detail.target.id !== "flash") {
      var region = document.getElementById("flash");
      if (region) region.replaceChildren();
    }
  });

  // A background save (a form with data-save-status naming its status
  // line) that failed says so where the user looks; the text typed stays
  // in its field, untouched. A 422 brings its own message.
  function saveFailed(e) {
    var elt = e.detail && e.detail.elt;
    var form = elt && elt.closest ? elt.closest("[data-save-status]") : null;
    if (!form) return;
    if (e.detail.xhr && e.detail.xhr.status === 422) return;
    var status = document.getElementById(form.dataset.saveStatus);
    if (!status) return;
    var span = document.createElement("span");
    span.className = "note__error";
    span.textContent = "Couldn\u2019t save \u2014 your text is kept. It will be saved when you type again or press Save.";
    status.replaceChildren(span);
  }
  document.addEventListener("htmx:sendError", saveFailed);
  document.addEventListener("htmx:responseError", saveFailed);
})();
