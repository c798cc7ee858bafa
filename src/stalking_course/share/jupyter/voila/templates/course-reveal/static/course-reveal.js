/* Starts reveal.js for a course deck: the offline decks (stalking_course.slides, inlined) and the live
   presentation in Voila (templates/course-reveal). Needs reveal.js 4.x and its notes plugin loaded first.
   - the notes plugin: S opens the speaker view (notes, clock, next slide); nothing is fetched from elsewhere;
   - a slide taller than the screen scrolls instead of being cut off (quizzes, charts with their tables);
   - <section> elements inside slide content (page chrome) are not counted as slides.
   window.courseRevealConfig may override reveal's options. */
(function () {
  "use strict";
  var options = Object.assign({
    controls: true,
    progress: true,
    hash: true,
    slideNumber: "c/t",
    transition: "fade",
    width: 1280,
    height: 720,
    margin: 0.04,
    center: false,
    plugins: [window.RevealNotes]
  }, window.courseRevealConfig || {});

  function isSlide(section) {
    var parent = section.parentElement;
    return parent && (parent.classList.contains("slides") ||
      (parent.tagName === "SECTION" && parent.parentElement && parent.parentElement.classList.contains("slides")));
  }

  function uncountContentSections() {
    document.querySelectorAll(".reveal .slides section").forEach(function (section) {
      if (!isSlide(section)) {
        section.setAttribute("data-visibility", "uncounted");
      }
    });
  }

  // A slide taller than the screen is first shrunk (CSS zoom, down to MIN_ZOOM: a zoomed block keeps the
  // slide's width, so fewer lines wrap), and only scrolls when even that is not enough.
  var MIN_ZOOM = 0.7;
  function fit(slide) {
    if (!slide || !slide.isConnected) { return; }
    var height = Reveal.getConfig().height;
    var kids = Array.prototype.filter.call(slide.children, function (kid) { return kid.tagName !== "ASIDE"; });
    kids.forEach(function (kid) { kid.style.zoom = ""; });
    var natural = slide.scrollHeight;
    // Live widgets (quizzes) stay full size and scroll: the room must be able to read the options.
    if (natural > height + 2 && !slide.querySelector(".jupyter-widgets")) {
      var zoom = Math.max(MIN_ZOOM, height / natural);
      kids.forEach(function (kid) { kid.style.zoom = zoom; });
    }
    slide.classList.toggle("course-tall", slide.scrollHeight > height + 2);
  }

  function markTall() {
    if (window.Reveal && Reveal.isReady()) { fit(Reveal.getCurrentSlide()); }
  }

  function refresh() {
    uncountContentSections();
    if (window.Reveal && Reveal.isReady()) {
      Reveal.layout();
      markTall();
    }
  }

  uncountContentSections();
  Reveal.initialize(options).then(function () {
    document.documentElement.classList.add("course-reveal-ready");
    refresh();
  });
  Reveal.on("slidechanged", markTall);
  window.addEventListener("load", refresh);
  window.addEventListener("resize", markTall);
  // In Voila the cells appear, and widgets render or show feedback, after reveal has started: fit the
  // current slide again when its content changes, and lay out again while the page is coming up.
  var pending = null;
  var slides = document.querySelector(".reveal .slides");
  if (slides && window.MutationObserver) {
    new MutationObserver(function () {
      if (pending) { return; }
      pending = setTimeout(function () { pending = null; refresh(); }, 250);
    }).observe(slides, { childList: true, subtree: true, characterData: true });
  }
  var rounds = 0;
  var timer = setInterval(function () {
    if (window.Reveal && Reveal.isReady()) { Reveal.layout(); }
    rounds += 1;
    if (rounds > 20) { clearInterval(timer); }
  }, 1000);
  window.courseRevealRefresh = refresh;
})();
