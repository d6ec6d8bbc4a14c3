// newsweave web app: a little plain JavaScript, served by the app itself (no CDN, no build).
// Every page works without it; it adds: live refresh of the story list, loading a story's
// comparison after the page when it is not cached yet, and highlighting a flag's evidence.
"use strict";

function loadFragment(target, url) {
  return fetch(url, {headers: {"X-Fragment": "1"}, credentials: "same-origin"})
    .then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text();
    })
    .then(function (html) {
      // the server escaped every article string; the fragment is the app's own template
      target.innerHTML = html;
      highlightTarget();
    });
}

function liveStories() {
  var table = document.getElementById("stories");
  var box = document.getElementById("live");
  if (!table || !box) { return; }
  var body = document.getElementById("story-rows");
  setInterval(function () {
    if (!box.checked || document.hidden) { return; }
    fetch(table.dataset.refresh, {headers: {"X-Fragment": "1"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { body.innerHTML = html; } })
      .catch(function () {});
  }, 5000);
}

function lazyCompare() {
  var section = document.getElementById("compare");
  if (!section || !document.getElementById("compare-loading")) { return; }
  loadFragment(section, section.dataset.src).catch(function (e) {
    var p = document.getElementById("compare-loading");
    if (p) { p.textContent = "The comparison failed to load (" + e.message + "): reload the page to try again."; }
  });
}

function highlightTarget() {
  document.querySelectorAll(".flash").forEach(function (el) { el.classList.remove("flash"); });
  var id = decodeURIComponent(location.hash.slice(1));
  if (!id) { return; }
  var anchor = document.getElementById(id);
  if (!anchor) { return; }
  var mark = anchor.nextElementSibling;
  while (mark && mark.classList.contains("anchor")) { mark = mark.nextElementSibling; }
  if (mark && mark.tagName === "MARK") { mark.classList.add("flash"); }
  anchor.scrollIntoView({block: "center"});
}

document.addEventListener("DOMContentLoaded", function () {
  liveStories();
  lazyCompare();
  highlightTarget();
  window.addEventListener("hashchange", highlightTarget);
});
