// Progressive enhancement only: every page works without this file.
// Queue: j/k (or arrows) move between incidents, Enter opens, / jumps to the filters;
// the table refreshes itself every 15 seconds.
(function () {
  "use strict";
  var table = document.querySelector("table.queue");
  if (!table) return;

  function rows() { return Array.prototype.slice.call(table.querySelectorAll("tbody tr.row")); }
  function current() { return rows().indexOf(document.activeElement && document.activeElement.closest ? document.activeElement.closest("tr.row") : null); }
  function focusRow(i) {
    var list = rows();
    if (!list.length) return;
    i = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (r) { r.classList.remove("selected"); });
    list[i].classList.add("selected");
    var link = list[i].querySelector("a");
    if (link) link.focus();
  }
  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "j" || e.key === "ArrowDown") { e.preventDefault(); focusRow(current() + 1); }
    else if (e.key === "k" || e.key === "ArrowUp") { e.preventDefault(); focusRow(current() < 0 ? 0 : current() - 1); }
    else if (e.key === "/") { var f = document.getElementById("f-identity"); if (f) { e.preventDefault(); f.focus(); } }
  });

  var live = document.getElementById("live");
  function refresh() {
    var url = "/console/queue/rows" + window.location.search;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      // A session that ended answers with the sign-in page (a redirect): never put that in
      // the table.
      .then(function (r) { if (!r.ok || r.redirected) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var body = table.querySelector("tbody");
        var focused = current();
        if (body.innerHTML.trim() !== html.trim()) {
          body.innerHTML = html;
          if (focused >= 0) focusRow(focused);
        }
        if (live) live.textContent = "updated " + new Date().toLocaleTimeString();
      })
      .catch(function () { if (live) live.textContent = "live updates paused"; });
  }
  setInterval(refresh, 15000);
})();
