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

  // Clear an old message once a later request succeeds.
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.successful && e.detail.target && e.detail.target.id !== "flash") {
      var region = document.getElementById("flash");
      if (region) region.replaceChildren();
    }
  });
})();
