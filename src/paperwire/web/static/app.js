// Paperwire: small conveniences on top of pages that work without JavaScript.
// Keys: left/right arrows follow rel=prev/next; j/k move between papers; / focuses search.
(function () {
  "use strict";
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function cards() { return Array.prototype.slice.call(document.querySelectorAll(".card .title a")); }
  function move(step) {
    var links = cards();
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    var next = at < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(Math.max(at + step, 0), links.length - 1);
    links[next].focus();
    links[next].closest(".card").scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    var link;
    if (event.key === "ArrowLeft") link = document.querySelector('a[rel="prev"][data-key]');
    else if (event.key === "ArrowRight") link = document.querySelector('a[rel="next"][data-key]');
    if (link) { window.location.href = link.href; return; }
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "/") {
      var box = document.getElementById("q") || document.getElementById("quick-q");
      if (box) { box.focus(); event.preventDefault(); }
    }
  });
  // The date picker goes to the chosen day as soon as one is picked.
  var picker = document.querySelector(".date-picker input[type=date]");
  if (picker) {
    picker.addEventListener("change", function () {
      if (picker.value && picker.checkValidity()) picker.form.submit();
    });
  }
})();
// Upvotes without a reload: the form still works as a plain POST when this does not run.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("vote-form") || !window.fetch) return;
    event.preventDefault();
    var action = form.querySelector("input[name=action]");
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.getAttribute("action"), {
      method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { form.submit(); return null; }
      return response.json();
    }).then(function (data) {
      if (!data) return;
      form.querySelector(".count").textContent = data.votes;
      action.value = data.voted ? "undo" : "up";
      button.classList.toggle("voted", data.voted);
      button.setAttribute("aria-pressed", data.voted ? "true" : "false");
      button.title = data.voted ? "Take back your upvote" : "Upvote";
    }).catch(function () { form.submit(); }).then(function () { button.disabled = false; });
  });
  // A paper opened from a digest by a signed-in reader teaches their For you feed: one
  // POST (with the page's CSRF token), then the marker leaves the address.
  var signout = document.querySelector(".account form[action='/signout'] input[name=csrf]");
  var opened = /^\/papers\/(.+)$/.exec(window.location.pathname);
  if (signout && opened && /(^|[?&])from=digest(&|$)/.test(window.location.search)) {
    var body = new URLSearchParams();
    body.append("csrf", signout.value);
    body.append("paper", decodeURIComponent(opened[1]));
    fetch("/for-you/opened", { method: "POST", body: body, credentials: "same-origin",
                               headers: { "Accept": "application/json" } })
      .catch(function () { return null; });
    if (window.history.replaceState) window.history.replaceState(null, "", window.location.pathname);
  }
})();
