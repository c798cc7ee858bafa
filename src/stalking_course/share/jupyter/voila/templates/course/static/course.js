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
  // ipywidgets holds back a choice's update while the previous one is still on its way to the kernel, but
  // sends a button press at once: a quick keyboard user (two arrow presses, Tab, Enter) was checked on the
  // choice before last. A press that follows a change of choice in the same question waits a moment.
  var lastChange = new WeakMap();
  function questionOf(el) { return el.closest(".course-question-box, .course-case, .course-guide, .course-diary-form"); }
  document.addEventListener("change", function (event) {
    var box = event.target && event.target.closest && questionOf(event.target);
    if (box) { lastChange.set(box, Date.now()); }
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("button");
    var box = button && questionOf(button);
    if (!box || button.getAttribute("data-course-deferred")) { return; }
    var since = Date.now() - (lastChange.get(box) || 0);
    if (since > 400) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    window.setTimeout(function () {
      button.setAttribute("data-course-deferred", "1");
      button.click();
      button.removeAttribute("data-course-deferred");
    }, 400 - since);
  }, true);
  // Voila renders a page in thousands of small DOM changes: tidy up once per burst, not after each one.
  var tidyPending = false;
  function tidy() { tidyPending = false; markLiveRegions(document); groupOptions(document); }
  new MutationObserver(function () {
    if (!tidyPending) { tidyPending = true; window.setTimeout(tidy, 30); }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
