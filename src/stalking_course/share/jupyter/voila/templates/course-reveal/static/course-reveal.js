/* Starts reveal.js for a course deck: the offline decks (stalking_course.trainer, inlined) and the live
   presentation in Voila (templates/course-reveal). Needs reveal.js 4.x and its notes plugin loaded first.
   - the notes plugin: S opens the speaker view (notes, clock, next slide); nothing is fetched from elsewhere;
   - a slide taller than the screen scrolls instead of being cut off (quizzes, charts with their tables);
   - <section> elements inside slide content (page chrome) are not counted as slides;
   - the arrow keys (and reveal's other keys) leave a focused button, input, select or widget alone;
   - the speaker view speaks the deck's language (labels from window.courseSpeakerView, data/slides.yaml);
   - live (Voila): a quiz widget puts each question on a slide of its own, as the offline decks do.
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
    keyboardCondition: keyboardIsFree,
    plugins: [window.RevealNotes]
  }, window.courseRevealConfig || {});

  // reveal.js itself only leaves <input>, <textarea> and contenteditable alone: with the focus on the
  // quiz's Check button or a dropdown, an arrow key changed the slide. Reveal's own controls still work.
  var FOCUS_OWNERS = "button, input, select, textarea, [contenteditable], [role=radio], [role=checkbox], " +
    "[role=listbox], [role=combobox], [role=slider], .jupyter-widgets, .widget-dropdown, .widget-radio-box";
  function keyboardIsFree() {
    var active = document.activeElement;
    if (!active || active === document.body || !active.closest) { return true; }
    if (active.closest(".reveal > .controls")) { return true; }
    return !active.closest(FOCUS_OWNERS);
  }

  // The speaker view (notes plugin) writes its window in English; put the deck's language in its place.
  var SPEAKER_NAME = "reveal.js - Notes";
  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function localiseSpeakerHTML(html, l) {
    var pairs = [
      ['<html lang="en">', '<html lang="' + esc(document.documentElement.lang) + '">'],
      ["<title>reveal.js - Speaker View</title>", "<title>" + esc(l.title) + "</title>"],
      ["Loading speaker view...", esc(l.loading)],
      ['<span class="overlay-element label">Upcoming</span>', '<span class="overlay-element label">' + esc(l.upcoming) + "</span>"],
      ['Time <span class="reset-button">Click to Reset</span>', esc(l.time) + ' <span class="reset-button">' + esc(l.reset) + "</span>"],
      ["Pacing – Time to finish current slide", esc(l.pacing)],
      ['<h4 class="label">Notes</h4>', '<h4 class="label">' + esc(l.notes) + "</h4>"],
      ["'default': 'Default'", "'default': " + JSON.stringify(l.layout_default)],
      ["'wide': 'Wide'", "'wide': " + JSON.stringify(l.layout_wide)],
      ["'tall': 'Tall'", "'tall': " + JSON.stringify(l.layout_tall)],
      ["'notes-only': 'Notes only'", "'notes-only': " + JSON.stringify(l.layout_notes_only)],
      ["'Layout' + ", JSON.stringify(l.layout) + " + "],
      ["'Cross origin error.<br>The speaker window can only be opened from the same origin.'", JSON.stringify(esc(l.cross_origin))],
      ["'Error connecting to main window.<br>Please try closing and reopening the speaker view.'", JSON.stringify(esc(l.connection_error))],
      ["toLocaleTimeString( 'en-US', { hour12: true,", "toLocaleTimeString( " + JSON.stringify(l.locale) + ", { hour12: false,"],
      ['<span class="clock-value">0:00 AM</span>', '<span class="clock-value">0:00</span>']
    ];
    pairs.forEach(function (pair) { html = html.split(pair[0]).join(pair[1]); });
    return html;
  }
  function localiseSpeakerView() {
    var labels = (window.courseSpeakerView || {})[document.documentElement.lang];
    if (!labels || window.open.courseLocalised) { return; }
    var open = window.open;
    window.open = function (url, name) {
      var win = open.apply(window, arguments);
      if (win && name === SPEAKER_NAME) {
        try {
          var doc = win.document, write = doc.write;
          doc.write = function (html) { return write.call(doc, localiseSpeakerHTML(String(html), labels)); };
        } catch (error) { /* another origin: leave it as it is */ }
      }
      return win;
    };
    window.open.courseLocalised = true;
  }
  localiseSpeakerView();

  // Live: the quiz widget (stalking_course.quiz) shows all its questions in one box. Give every question a
  // slide of its own, right after the quiz's slide (the score goes with the last one), with the quiz
  // slide's speaker notes, as in the offline decks. The speaker view's static previews have the same slides.
  function slideOf(node) {
    var section = node.closest("section");
    while (section && !isSlide(section)) { section = section.parentElement.closest("section"); }
    return section;
  }
  function splitQuizzes() {
    var changed = false;
    document.querySelectorAll(".reveal .slides .course-quiz").forEach(function (quiz) {
      var boxes = Array.prototype.filter.call(quiz.children, function (kid) {
        return kid.classList.contains("course-question-box");
      });
      var slide = slideOf(quiz);
      if (!boxes.length || !slide || quiz.classList.contains("course-quiz-part")) { return; }
      var score = Array.prototype.find.call(quiz.children, function (kid) { return kid.classList.contains("course-score"); });
      var notes = slide.querySelector("aside.notes");
      var outer = slide.parentElement.classList.contains("slides") ? slide : slide.parentElement;
      var after = outer;
      boxes.forEach(function (box, k) {
        var stack = document.createElement("section");
        stack.className = "stack";
        var section = document.createElement("section");
        section.className = "course-quiz-slide";
        var holder = document.createElement("div");
        holder.className = quiz.className + " course-quiz-part";
        holder.appendChild(box);
        if (k === boxes.length - 1 && score) { holder.appendChild(score); }
        section.appendChild(holder);
        if (notes) { section.appendChild(notes.cloneNode(true)); }
        if (outer === slide) {
          after.parentNode.insertBefore(section, after.nextSibling);
          after = section;
        } else {
          stack.appendChild(section);
          after.parentNode.insertBefore(stack, after.nextSibling);
          after = stack;
        }
      });
      changed = true;
    });
    return changed;
  }

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
    var height = options.height;
    var kids = Array.prototype.filter.call(slide.children, function (kid) { return kid.tagName !== "ASIDE"; });
    kids.forEach(function (kid) { kid.style.zoom = ""; });
    var natural = slide.scrollHeight;
    // Live widgets (quizzes) stay full size and scroll: the room must be able to read the options.
    if (natural > height + 2 && !slide.querySelector(".jupyter-widgets")) {
      var zoom = Math.max(MIN_ZOOM, height / natural);
      kids.forEach(function (kid) { kid.style.zoom = zoom; });
      // zoomed text wraps differently: shrink a little more while it still does not fit
      for (var round = 0; round < 6 && slide.scrollHeight > height + 1 && zoom > MIN_ZOOM; round++) {
        zoom = Math.max(MIN_ZOOM, zoom - 0.02);
        kids.forEach(function (kid) { kid.style.zoom = zoom; });
      }
    }
    slide.classList.toggle("course-tall", slide.scrollHeight > height + 2);
  }

  function markTall() {
    if (window.Reveal && Reveal.isReady()) { fit(Reveal.getCurrentSlide()); }
  }

  function refresh() {
    uncountContentSections();
    if (window.Reveal && Reveal.isReady()) {
      if (splitQuizzes()) { Reveal.sync(); }
      Reveal.layout();
      markTall();
    }
  }

  // Offline decks (window.courseDeck, set by stalking_course.trainer): before reveal.js starts, every slide
  // is measured at the deck's size. A slide that does not fit even shrunk to MIN_ZOOM gives its last
  // blocks (cells, or the outputs of its one cell) to a new slide right after it, "(continued)", with the
  // same speaker notes; every slide keeps its zoom, so the screen and a printed handout (?print-pdf,
  // one page per slide) show the same slides, none of them cut off.
  function slideSections() {
    return Array.prototype.filter.call(document.querySelectorAll(".reveal .slides section"), function (s) {
      return isSlide(s) && !s.querySelector("section");
    });
  }
  function measure(slide, work) {
    // the slide (and its stack) shown for a moment, invisible, at the deck's width and its own height
    var nodes = [slide];
    if (slide.parentElement.tagName === "SECTION") { nodes.push(slide.parentElement); }
    var saved = nodes.map(function (n) { return n.getAttribute("style"); });
    nodes.forEach(function (n) { n.style.display = "block"; n.style.visibility = "hidden"; });
    slide.style.height = "auto";
    slide.style.minHeight = "0";
    try { return work(); } finally {
      nodes.forEach(function (n, i) {
        if (saved[i] === null) { n.removeAttribute("style"); } else { n.setAttribute("style", saved[i]); }
      });
    }
  }
  function tooTall(slide) {
    return measure(slide, function () { fit(slide); return slide.scrollHeight > options.height + 2; });
  }
  function movable(slide) {
    // the last block that can go: a cell after the first, or else the last output of the slide's last cell
    var cells = Array.prototype.filter.call(slide.children, function (k) { return k.classList.contains("jp-Cell"); });
    if (cells.length > 1) { return cells[cells.length - 1]; }
    var outputs = cells.length ? cells[0].querySelectorAll(".jp-OutputArea-child") : [];
    return outputs.length > 1 ? outputs[outputs.length - 1] : null;
  }
  function continuedSlide(slide) {
    var section = document.createElement("section");
    var heading = slide.querySelector("h1, h2");
    var text = (window.courseDeckText || {}).continued || "{title} (continued)";
    var head = document.createElement("div");
    head.className = "deck-continued";
    var h2 = document.createElement(heading ? "h2" : "span");
    if (heading) { h2.textContent = text.replace("{title}", heading.textContent.replace(/\s*¶\s*$/, "").trim()); }
    head.appendChild(h2);
    section.appendChild(head);
    var notes = slide.querySelector("aside.notes");
    if (notes) { section.appendChild(notes.cloneNode(true)); }
    var outer = slide.parentElement.classList.contains("slides") ? slide : slide.parentElement;
    if (outer === slide) {
      slide.parentNode.insertBefore(section, slide.nextSibling);
    } else {
      var stack = document.createElement("section");
      stack.appendChild(section);
      outer.parentNode.insertBefore(stack, outer.nextSibling);
    }
    return section;
  }
  function splitTallSlides() {
    var slides = document.querySelector(".reveal .slides");
    if (!slides) { return; }
    slides.style.width = options.width + "px";
    slides.style.height = options.height + "px";
    var queue = slideSections(), guard = 0;
    while (queue.length && guard++ < 500) {
      var slide = queue.shift();
      if (!tooTall(slide)) { continue; }
      var next = null, moved = 0;
      while (tooTall(slide) && moved < 40) {
        var block = movable(slide);
        if (!block) { break; }
        next = next || continuedSlide(slide);
        var holder = next.querySelector(".deck-continued");
        holder.insertBefore(block, holder.firstChild.nextSibling);
        moved += 1;
      }
      if (next) { queue.unshift(next); }
    }
    slideSections().forEach(function (slide) { measure(slide, function () { fit(slide); }); });
    slides.style.width = "";
    slides.style.height = "";
  }

  function start() {
    if (window.courseDeck) { splitTallSlides(); }
    uncountContentSections();
    Reveal.initialize(options).then(function () {
      document.documentElement.classList.add("course-reveal-ready");
      refresh();
    });
  }
  if (!window.courseDeck || document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
  Reveal.on("slidechanged", markTall);
  Reveal.on("ready", markTall);
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
  window.courseRevealMeasure = { tooTall: tooTall, sections: slideSections, fit: fit };
})();
