// KIM progressive enhancement. Every page works without this script; it only adds the session
// timeout warning with a one-click extension (WCAG 2.2.1) and focuses error summaries.
(function () {
  "use strict";
  var body = document.body;
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  var endAttr = body.getAttribute("data-session-end");
  var box = document.getElementById("session-warning");
  if (!endAttr || !box) { return; }
  var end = Date.parse(endAttr);
  var warnBefore = 2 * 60 * 1000;
  var timer = null;

  function schedule() {
    if (timer) { clearTimeout(timer); }
    var wait = end - Date.now() - warnBefore;
    timer = setTimeout(check, Math.max(wait, 1000));
  }

  function check() {
    // Another tab may have kept the session alive: ask the server (this does not extend it).
    fetch("/sitzung", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s || !s.active) { window.location.assign("/anmelden?abgelaufen=1"); return; }
        end = Date.parse(s.idle_deadline);
        if (end - Date.now() > warnBefore + 5000) { schedule(); return; }
        box.hidden = false;
        document.getElementById("session-extend").focus();
        timer = setTimeout(check, Math.max(end - Date.now(), 1000));
      })
      .catch(function () { schedule(); });
  }

  document.getElementById("session-extend").addEventListener("click", function () {
    fetch("/sitzung/verlaengern", { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { window.location.assign("/anmelden?abgelaufen=1"); return; }
        end = Date.parse(s.idle_deadline);
        box.hidden = true;
        var bar = document.querySelector("#session-bar span");
        if (bar && s.label) { bar.textContent = s.label; }
        schedule();
      });
  });
  schedule();
})();
