/* The course page's own behaviour: the quick exit (one click or Esc), announced feedback, a message when the
   kernel is gone, and widgets that load reliably (or say so, with a reload, when one could not be drawn).
   Loaded before the lesson renders, so the quick exit works even while a kernel is starting, and before
   Voila's scripts, so it can patch the widget manager as Voila loads it. */
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
  // Esc always leaves, also while typing in a text field or with a dropdown focused: listen in the capture
  // phase, before any widget can stop the key from reaching the page.
  window.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { quickExit(event); }
  }, true);

  // After a break the page's kernel may be gone (culled while the laptop slept, or the server restarted):
  // the widgets can no longer answer, and nothing else would tell the trainee. The kernel's connection
  // stays open when the server stops a kernel, so ask the server whether the kernel is still there when
  // the trainee acts (a button, a choice), when the page is shown again, and when the connection drops;
  // if it is gone, say so and offer a reload.
  function pageKernelUrl() {
    var config = document.getElementById("jupyter-config-data");
    if (!config) { return null; }
    try {
      var data = JSON.parse(config.textContent);
      return data.kernelId ? (data.baseUrl || "/") + "api/kernels/" + data.kernelId : null;
    } catch (error) { return null; }
  }
  function showKernelLost() {
    if (document.querySelector(".course-kernel-lost")) { return; }
    var cells = document.getElementById("rendered_cells");
    var box = document.createElement("div");
    box.className = "course-kernel-lost";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = (cells && cells.getAttribute("data-course-kernel-lost")) ||
      "This page has lost its connection. Reload it to go on.";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "course-reload";
    button.textContent = (cells && cells.getAttribute("data-course-reload")) || "Reload";
    button.addEventListener("click", function () { window.location.reload(); });
    box.appendChild(text);
    box.appendChild(button);
    document.body.insertBefore(box, document.body.firstChild);
    button.focus();
  }
  var lastCheck = 0;
  function checkKernel(force) {
    var url = pageKernelUrl();
    if (!url || document.querySelector(".course-kernel-lost")) { return; }
    if (!force && Date.now() - lastCheck < 5000) { return; }
    lastCheck = Date.now();
    window.fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.status === 404) { showKernelLost(); }
    }, function () {
      showKernelLost();  // no answer at all: the server is gone, or the laptop is offline
    });
  }
  document.addEventListener("click", function (event) {
    if (event.target && event.target.closest && event.target.closest(".jupyter-widgets button")) { checkKernel(true); }
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target && event.target.closest && event.target.closest(".jupyter-widgets")) { checkKernel(false); }
  }, true);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { checkKernel(true); }
  });
  var NativeWebSocket = window.WebSocket;
  if (NativeWebSocket) {
    // The page's kernel connection dropping (the server restarted, the network went): check at once.
    window.WebSocket = function (url, protocols) {
      var socket = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
      if (/\/api\/kernels\/[^/]+\/channels/.test(String(url))) {
        socket.addEventListener("close", function () { window.setTimeout(function () { checkKernel(true); }, 1000); });
      }
      return socket;
    };
    window.WebSocket.prototype = NativeWebSocket.prototype;
    ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) { window.WebSocket[name] = NativeWebSocket[name]; });
  }

  // "Error displaying widget: model not found" on a busy machine (3 of 84 page loads), although every model
  // was there: ipywidgets' renderer asks the widget manager for its model, and get_model() looks every 100 ms
  // for 2 s and then gives up without a last look. The page fetches all widget states from the kernel in one
  // answer; on a busy machine that answer comes in around the 2 s mark, and handling it (making every model,
  // then marking the manager restored) runs before the renderers' late timers: they then end their wait
  // without looking again, and as the manager is restored by then they show "model not found" for good.
  // So get_model() is patched: a model that is there after all is returned, and while the manager is still
  // loading the kernel's widgets it waits for that. The patch goes on the manager class as Voila loads
  // the package (window._JUPYTERLAB is where the package's module container registers itself).
  var WIDGET_MANAGER_PACKAGE = "@jupyter-widgets/jupyterlab-manager";
  var RESTORE_WAIT_MS = 60000;
  function found(manager, modelId, getModel) {
    console.info("course.js: widget model " + modelId + " found after ipywidgets had given up on it");
    return getModel.call(manager, modelId);
  }
  function lateModel(manager, modelId, getModel, error) {
    if (manager.has_model(modelId)) { return found(manager, modelId, getModel); }
    if (!manager._kernelRestoreInProgress || !manager.restored) { throw error; }
    return new Promise(function (resolve, reject) {
      var timer = null;
      function settle() {
        manager.restored.disconnect(settle);
        window.clearTimeout(timer);
        if (manager.has_model(modelId)) { resolve(found(manager, modelId, getModel)); } else { reject(error); }
      }
      manager.restored.connect(settle);
      timer = window.setTimeout(settle, RESTORE_WAIT_MS);
    });
  }
  function patchWidgetManager(module) {
    var proto = module && module.LabWidgetManager && module.LabWidgetManager.prototype;
    if (!proto || typeof proto.get_model !== "function" || typeof proto.has_model !== "function" ||
        proto.get_model.coursePatched) { return; }
    var getModel = proto.get_model;
    proto.get_model = function (modelId) {
      var manager = this;
      return Promise.resolve(getModel.apply(manager, arguments)).catch(function (error) {
        return lateModel(manager, modelId, getModel, error);
      });
    };
    proto.get_model.coursePatched = true;
    proto.get_model.courseOriginal = getModel;  // for the test of this patch (tests/test_widgets_load.py)
  }
  function wrapContainer(container) {
    if (!container || typeof container.get !== "function" || typeof container.init !== "function") { return container; }
    return {
      init: function () { return container.init.apply(container, arguments); },
      get: function () {
        return Promise.resolve(container.get.apply(container, arguments)).then(function (factory) {
          return function () {
            var module = factory.apply(this, arguments);
            try { patchWidgetManager(module); } catch (error) { console.warn("course.js: widget manager not patched", error); }
            return module;
          };
        });
      }
    };
  }
  (function watchWidgetManagerPackage() {
    var registry = window._JUPYTERLAB = window._JUPYTERLAB || {};
    if (registry[WIDGET_MANAGER_PACKAGE]) { return; }
    var container;
    try {
      Object.defineProperty(registry, WIDGET_MANAGER_PACKAGE, {
        configurable: true, enumerable: true,
        get: function () { return container; },
        set: function (value) { container = wrapContainer(value); }
      });
    } catch (error) { /* the safety net below still tells the trainee */ }
  })();

  // The safety net: a widget that still could not be drawn (its model really is missing, or a newer Voila
  // loads its widgets differently) would leave part of an exercise silently missing. Say so, with a reload
  // button; as long as the trainee has not done anything on the page yet, reload it once by itself.
  var touched = false;
  ["pointerdown", "keydown", "input"].forEach(function (name) {
    document.addEventListener(name, function () { touched = true; }, true);
  });
  var FAILED_TEXT = {
    nl: "Een deel van deze pagina is niet goed geladen. Laad de pagina opnieuw om alles te zien.",
    en: "Part of this page did not load. Reload the page to see all of it."
  };
  function failedWidgets(root) {
    var nodes = root.querySelectorAll(".jp-OutputArea-output.jupyter-widgets");
    var failed = [];
    for (var i = 0; i < nodes.length; i++) {
      if (!nodes[i].firstElementChild && /^\s*Error displaying widget/.test(nodes[i].textContent)) { failed.push(nodes[i]); }
    }
    return failed;
  }
  function reloadedRecently(key) {
    try {
      var at = Number(window.sessionStorage.getItem(key) || 0);
      if (Date.now() - at < 300000) { return true; }
      window.sessionStorage.setItem(key, String(Date.now()));
      return false;
    } catch (error) { return true; }  // no session storage: never reload by itself (it could loop)
  }
  var reloading = false;
  function showWidgetsFailed(root) {
    if (reloading) { return; }
    var failed = failedWidgets(root);
    if (!failed.length || document.querySelector(".course-widgets-failed")) { return; }
    for (var i = 0; i < failed.length; i++) { failed[i].classList.add("course-widget-failed"); }
    console.error("course.js: " + failed.length + " widget(s) could not be drawn");
    if (!touched && !reloadedRecently("course-widgets-reloaded:" + window.location.pathname)) {
      reloading = true;
      window.location.reload();
      return;
    }
    var cells = document.getElementById("rendered_cells");
    var lang = (document.documentElement.getAttribute("lang") || "nl").slice(0, 2);
    var box = document.createElement("div");
    box.className = "course-widgets-failed";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = (cells && cells.getAttribute("data-course-widgets-failed")) || FAILED_TEXT[lang] || FAILED_TEXT.nl;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "course-reload";
    button.textContent = (cells && cells.getAttribute("data-course-reload")) || "Reload";
    button.addEventListener("click", function () { window.location.reload(); });
    box.appendChild(text);
    box.appendChild(button);
    document.body.insertBefore(box, document.body.firstChild);
  }

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
  // A widget's placeholder (course template) goes once Voila has drawn the widget in its place.
  function dropPlaceholders(root) {
    var pending = root.querySelectorAll(".course-pending");
    for (var i = 0; i < pending.length; i++) {
      var output = pending[i].parentNode;
      if (!output.querySelector("script[type='application/vnd.voila.cell-output+json']") &&
          output.querySelector(".jupyter-widgets")) {
        output.removeChild(pending[i]);
      }
    }
  }
  // A table wider than the screen scrolls sideways in its own box (course.css): let keyboard users reach
  // that box too, and name it for screen readers.
  function scrollableTables(root) {
    var tables = root.querySelectorAll("table.course-table, .jp-RenderedMarkdown table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      if (table.scrollWidth > table.clientWidth + 1) {
        if (!table.hasAttribute("tabindex")) {
          table.setAttribute("tabindex", "0");
          var caption = table.querySelector("caption, th");
          if (caption && !table.hasAttribute("aria-label")) { table.setAttribute("aria-label", caption.textContent.trim()); }
        }
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    }
  }
  function tidy() {
    tidyPending = false;
    markLiveRegions(document); groupOptions(document); dropPlaceholders(document); scrollableTables(document);
    showWidgetsFailed(document);
  }
  window.addEventListener("resize", function () { scrollableTables(document); });
  new MutationObserver(function () {
    if (!tidyPending) { tidyPending = true; window.setTimeout(tidy, 30); }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
