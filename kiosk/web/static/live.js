// Live updates for the Today and session pages: server-sent events from /api/events.
// Each event names a session; its card (or roster) is fetched again from the server,
// so the HTML is rendered in one place. No build step, no library.
(function () {
  "use strict";
  var root = document.querySelector("[data-since]");
  var status = document.getElementById("live-status");
  if (!root || !window.EventSource) {
    if (status) status.textContent = "live updates need a newer browser: reload to refresh";
    return;
  }
  var chains = {};
  var queued = {};
  var source = new EventSource("/api/events?since=" + encodeURIComponent(root.dataset.since));

  // Back to this page after signing in again, and say why the session ended.
  function signInAgain() {
    return "/login?why=ended&next=" + encodeURIComponent(location.pathname + location.search);
  }

  function show(text, live) {
    if (!status) return;
    status.textContent = text;
    status.className = "live-status" + (live ? " live" : "");
  }

  function part(sessionId) {
    var found = null;
    document.querySelectorAll("[data-session]").forEach(function (el) {
      if (el.dataset.session === sessionId) found = el;
    });
    return found;
  }

  function busy(el) {  // someone is typing a reason: do not replace the form under them
    var active = document.activeElement;
    return active && el.contains(active) && /INPUT|SELECT|TEXTAREA/.test(active.tagName);
  }

  function load(sessionId) {
    var el = part(sessionId);
    if (!el) return Promise.resolve();
    if (busy(el)) {
      el.addEventListener("focusout", function () { refresh(sessionId); }, { once: true });
      return Promise.resolve();
    }
    var url = "/session/" + encodeURIComponent(sessionId) + "/" + el.dataset.part;
    return fetch(url, { credentials: "same-origin" }).then(function (reply) {
      if (reply.status === 401) { location.href = signInAgain(); return null; }
      return reply.ok ? reply.text() : null;
    }).then(function (html) {
      var now = part(sessionId);
      if (html && now) now.outerHTML = html;
    }).catch(function () { /* the stream's reconnect will bring it back */ });
  }

  function refresh(sessionId) {  // one fetch at a time per session, the latest state wins
    if (queued[sessionId]) return;
    queued[sessionId] = true;
    var previous = chains[sessionId] || Promise.resolve();
    chains[sessionId] = previous.then(function () {
      return new Promise(function (done) { setTimeout(done, 150); });
    }).then(function () {
      queued[sessionId] = false;
      return load(sessionId);
    });
  }

  function note(change) {
    var feed = document.getElementById("feed");
    if (!feed) return;
    var empty = feed.querySelector(".empty");
    if (empty) empty.remove();
    var item = document.createElement("li");
    item.className = "new st-" + change.status;
    var time = (change.checked_in_at || "").slice(11, 16);
    item.textContent = time + " " + change.name + " · " + change.status + " · " + change.class_code;
    feed.insertBefore(item, feed.firstChild);
    while (feed.children.length > 12) feed.removeChild(feed.lastChild);
  }

  source.addEventListener("open", function () { show("live", true); });
  source.addEventListener("error", function () { show("reconnecting…", false); });
  source.addEventListener("attendance", function (event) {
    var change = JSON.parse(event.data);
    note(change);
    refresh(change.session_id);
  });
  source.addEventListener("reset", function () { location.reload(); });
  source.addEventListener("signed_out", function () { source.close(); location.href = signInAgain(); });
})();
