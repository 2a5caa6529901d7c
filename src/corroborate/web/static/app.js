// Corroborate web app: small, dependency-free progressive enhancement. Every page works without it.
// It never builds HTML from strings: it only toggles classes and clones server-rendered nodes.
(function () {
  "use strict";

  function marksFor(root, seq) {
    return root.querySelectorAll('.m[data-att~="' + seq + '"]');
  }

  // ---------------------------------------------------------------- article page: attributions
  function selectAttributions(seqs, opts) {
    var text = document.getElementById("article-text");
    var panel = document.getElementById("att-panel");
    if (!text || !panel) return;
    document.querySelectorAll(".m.on, .att.on").forEach(function (el) { el.classList.remove("on"); });
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var first = null;
    seqs.forEach(function (seq) {
      marksFor(text, seq).forEach(function (el) {
        el.classList.add("on");
        if (!first) first = el;
      });
      var item = document.getElementById("att-" + seq);
      if (item) item.classList.add("on");
      var detail = document.querySelector('.att-detail[data-att="' + seq + '"]');
      if (detail) {
        var heading = document.createElement("h3");
        heading.textContent = "Attribution #" + seq;
        panel.appendChild(heading);
        panel.appendChild(detail.cloneNode(true));
      }
    });
    panel.classList.toggle("empty-panel", !panel.firstChild);
    if (!panel.firstChild) {
      var none = document.createElement("p");
      none.className = "panel-empty";
      none.textContent = "No attribution selected.";
      panel.appendChild(none);
    }
    if (first && opts && opts.scroll) first.scrollIntoView({ block: "center" });
  }

  function setupArticle() {
    var text = document.getElementById("article-text");
    if (!text) return;
    function pick(target) {
      var mark = target.closest(".m[data-att]");
      if (!mark) return false;
      selectAttributions(mark.getAttribute("data-att").split(" "), { scroll: false });
      return true;
    }
    // hovering a source (or a source's entity in the list) outlines the mention that names it
    function antecedents(seqs, on) {
      seqs.forEach(function (seq) {
        text.querySelectorAll('.m[data-ante~="' + seq + '"]').forEach(function (el) {
          el.classList.toggle("ante-on", on);
        });
      });
    }
    function hover(ev, on) {
      var mark = ev.target.closest && ev.target.closest(".m.r-source[data-att], [data-ante-of]");
      if (!mark) return;
      var seqs = mark.hasAttribute("data-ante-of") ? [mark.getAttribute("data-ante-of")]
        : mark.getAttribute("data-att").split(" ");
      antecedents(seqs, on);
    }
    document.addEventListener("mouseover", function (ev) { hover(ev, true); });
    document.addEventListener("mouseout", function (ev) { hover(ev, false); });
    text.addEventListener("click", function (ev) { pick(ev.target); });
    text.addEventListener("keydown", function (ev) {
      if ((ev.key === "Enter" || ev.key === " ") && pick(ev.target)) ev.preventDefault();
    });
    document.querySelectorAll(".att-btn").forEach(function (btn) {
      btn.addEventListener("click", function () {
        selectAttributions([btn.getAttribute("data-att")], { scroll: true });
      });
    });
    var wanted = new URLSearchParams(window.location.search).get("att");
    if (wanted) {
      var seqs = wanted.split(/[ ,]+/).filter(function (s) { return /^\d+$/.test(s); });
      if (seqs.length) selectAttributions(seqs, { scroll: true });
    }
  }

  // ---------------------------------------------------------------- story page: claims
  // Claims are <details> elements (they open without JS too); opening one emphasises its sources.
  function setupStory() {
    document.querySelectorAll("details.claim-box").forEach(function (box) {
      box.addEventListener("toggle", function () {
        box.querySelectorAll(".excerpt .m.r-source").forEach(function (m) {
          m.classList.toggle("on", box.open);
        });
      });
    });
    var hash = window.location.hash;
    if (/^#claim-[\w-]+$/.test(hash)) {
      var target = document.getElementById(hash.slice(1));
      var box = target && target.querySelector("details.claim-box");
      if (box) box.open = true;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    setupArticle();
    setupStory();
  });
})();
