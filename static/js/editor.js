// The step editor's courtesies (views/pages/editor_step.templ): warn before
// leaving with unsaved text, and say so when an autosave fails. The page
// works without it. No inline script anywhere (see the CSP).
(function () {
  "use strict";

  var dirty = false;
  var edits = 0; // input events seen, so a save only clears what it sent

  function editorForm(el) {
    return el && el.closest ? el.closest("form[data-editor]") : null;
  }

  function status(message) {
    var region = document.getElementById("autosave-status");
    if (region) region.textContent = message;
  }

  document.addEventListener("input", function (e) {
    if (!editorForm(e.target)) return;
    dirty = true;
    edits++;
  });

  document.addEventListener("submit", function (e) {
    if (e.target.matches && e.target.matches("form[data-editor]")) dirty = false;
  });

  // Remember how many edits each autosave carried.
  document.addEventListener("htmx:beforeRequest", function (e) {
    if (e.detail.elt && e.detail.elt.matches && e.detail.elt.matches("form[data-editor]")) {
      e.detail.elt.dataset.sentEdits = String(edits);
    }
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!form || !form.matches || !form.matches("form[data-editor]")) return;
    if (e.detail.successful) {
      if (String(edits) === form.dataset.sentEdits) dirty = false;
    } else if (!e.detail.xhr || !e.detail.xhr.status) {
      status("Not saved — your text is kept. Stepwise could not be reached; it will try again as you type.");
    }
  });

  // Drag and drop in the settings page's step list, on top of the Up and
  // Down buttons (which stay, for the keyboard and without JavaScript):
  // dropping a step on another moves it to that position through htmx,
  // which swaps the list as the buttons do.
  var dragged = null;
  function stepItem(el) {
    return el && el.closest ? el.closest("#step-list li[data-move-url]") : null;
  }
  function makeDraggable() {
    document.querySelectorAll("#step-list li[data-move-url]").forEach(function (li) {
      li.setAttribute("draggable", "true");
    });
  }
  makeDraggable();
  document.addEventListener("htmx:afterSettle", makeDraggable);
  document.addEventListener("dragstart", function (e) {
    dragged = stepItem(e.target);
    if (dragged && e.dataTransfer) {
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", dragged.dataset.position);
      dragged.classList.add("is-dragging");
    }
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
  });
  document.addEventListener("dragover", function (e) {
    if (dragged && stepItem(e.target)) e.preventDefault();
  });
  document.addEventListener("drop", function (e) {
    var target = stepItem(e.target);
    if (!dragged || !target || target === dragged || !window.htmx) return;
    e.preventDefault();
    var list = document.getElementById("step-list");
    window.htmx.ajax("POST", dragged.dataset.moveUrl + "?to=" + encodeURIComponent(target.dataset.position), {
      source: list, target: "#step-list", swap: "outerHTML"
    });
  });

  window.addEventListener("beforeunload", function (e) {
    if (!dirty) return;
    e.preventDefault();
    e.returnValue = "";
  });
})();
