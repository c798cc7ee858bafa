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
    if (target && target.closest && target.closest(".course-quick-exit")) { quickExit(event); }
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
  new MutationObserver(function () { markLiveRegions(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
