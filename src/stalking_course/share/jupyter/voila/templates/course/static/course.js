/* The course page's own behaviour: the quick exit (one click or Esc) and announced feedback.
   Loaded before the lesson renders, so the quick exit works even while a kernel is starting. */
(function () {
  "use strict";
  function exitUrl() {
    var link = document.querySelector(".course-quick-exit");
    return (link && link.getAttribute("href")) || "about:blank";
  }
  function quickExit(event) {
    if (event) { event.preventDefault(); }
    var url = exitUrl();
    // Hide the course at once, then replace this history entry (the Back button does not return here;
    // earlier entries stay in the browser history, as the page says).
    document.title = "";
    if (document.body) { document.body.innerHTML = ""; document.body.style.background = "#fff"; }
    window.location.replace(url);
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) { return; }
    if (target.closest(".course-quick-exit")) { quickExit(event); return; }
    // Links between course pages: JupyterLab's output renderer swallows relative links to notebooks
    // (it would open them inside JupyterLab); in the course they are ordinary page links.
    var link = target.closest("a[href]");
    if (link && /\.ipynb(#.*)?$/.test(link.getAttribute("href")) && event.button === 0 &&
        !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      event.stopPropagation();
      window.location.assign(link.href);
    }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) { return; }
    var target = event.target;
    if (target && target.closest && target.closest("select, [role=listbox], [aria-expanded=true]")) { return; }
    quickExit(event);
  });
  // Quiz and case feedback are announced by screen readers: make every feedback area a live region.
  function markLiveRegions(root) {
    var nodes = (root.querySelectorAll ? root.querySelectorAll(".course-feedback") : []);
    for (var i = 0; i < nodes.length; i++) {
      if (!nodes[i].hasAttribute("aria-live")) {
        nodes[i].setAttribute("aria-live", "polite");
        nodes[i].setAttribute("role", "status");
      }
    }
  }
  // ipywidgets' RadioButtons render inputs without a shared name, so each option is a separate Tab stop and
  // the arrow keys do nothing. Give every group a name (native radio-group keyboard behaviour) and label the
  // group with its question.
  var groups = 0;
  function groupOptions(root) {
    var boxes = root.querySelectorAll ? root.querySelectorAll(".course-options:not([data-course-grouped])") : [];
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var inputs = box.querySelectorAll("input[type=radio], input[type=checkbox]");
      if (!inputs.length) { continue; }
      groups += 1;
      box.setAttribute("data-course-grouped", "1");
      var question = box.closest(".course-question-box, .course-guide");
      // A case has three groups in one box: each is labelled by the step heading just above it.
      var before = box.previousElementSibling;
      var text = (before && before.querySelector(".course-part-heading")) ||
                 (question && question.querySelector(".course-question-text, .course-question"));
      if (text) {
        if (!text.id) { text.id = "course-question-" + groups; }
        box.setAttribute("aria-labelledby", text.id);
      }
      var isRadio = inputs[0].type === "radio";
      box.setAttribute("role", isRadio ? "radiogroup" : "group");
      if (isRadio) {
        for (var j = 0; j < inputs.length; j++) { inputs[j].name = "course-group-" + groups; }
      }
    }
  }
  new MutationObserver(function () { markLiveRegions(document); groupOptions(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
