// Live pages: when the log moves, fetch this page again and swap its
// <main>, keeping focus and scroll. The page works the same without this
// script; it is only not live then. No library, no inline script (the
// Content-Security-Policy allows scripts from this site only).
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.dataset.liveAfter || !window.EventSource) return;
  var pending = null;
  var busy = false;
  function refresh() {
    pending = null;
    if (busy) { pending = setTimeout(refresh, 100); return; }
    var active = document.activeElement;
    if (active && active.form && main.contains(active)) {
      // Someone is typing in a form on this page: do not pull it away.
      pending = setTimeout(refresh, 1000);
      return;
    }
    busy = true;
    fetch(location.href, { credentials: "same-origin", headers: { "X-Live": "1" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.getElementById("main");
        if (!next) return;
        main.innerHTML = next.innerHTML;
        main.dataset.liveAfter = next.dataset.liveAfter || main.dataset.liveAfter;
        main.dataset.refreshed = String(Number(main.dataset.refreshed || "0") + 1);
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  var source = null;
  function connect() {
    // EventSource reconnects by itself after a dropped connection,
    // resuming after the last event it heard.
    source = new EventSource("/live?after=" + encodeURIComponent(main.dataset.liveAfter));
    source.onmessage = function () {
      if (!pending) pending = setTimeout(refresh, 150);
    };
  }
  // A page left (or kept in the back-forward cache) lets its stream go at
  // once, so that the server's streams per person and the browser's
  // connections per site are not held by pages nobody sees.
  window.addEventListener("pagehide", function () {
    if (source) { source.close(); source = null; }
  });
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && !source) { refresh(); connect(); }
  });
  connect();
})();
