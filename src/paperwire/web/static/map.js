// The map without reloads: a click on a paper or cluster seeds the feed at once (a POST
// with the page's CSRF token) when signed in; otherwise the links load the choice page.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var map = document.getElementById("paper-map");
    var csrfField = document.querySelector("#chosen input[name=csrf], form input[name=csrf]");
    if (!map || !csrfField || !document.querySelector(".account form[action='/signout']")) return;
    var panel = document.getElementById("chosen");
    function seed(papers, label) {
      var body = new URLSearchParams();
      body.append("csrf", csrfField.value);
      papers.forEach(function (p) { body.append("paper", p); });
      fetch("/map/seed", {method: "POST", body: body, credentials: "same-origin",
                          headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function () {
          panel.innerHTML = "";
          var p = document.createElement("p");
          p.className = "seeded";
          p.textContent = "Added to your feed: " + label + ". ";
          var a = document.createElement("a");
          a.href = "/for-you"; a.textContent = "See your feed";
          p.appendChild(a); panel.appendChild(p);
        })
        .catch(function () { window.location = "/map"; });
    }
    map.addEventListener("click", function (event) {
      var link = event.target.closest("a");
      if (!link) return;
      if (link.dataset.paper) {
        event.preventDefault();
        seed([link.dataset.paper], "“" + link.dataset.title + "”");
      } else if (link.dataset.cluster !== undefined && link.classList.contains("map-cluster")) {
        event.preventDefault();
        seed(link.dataset.central.split(" "), "the cluster “" + link.textContent + "”");
      }
    });
  });
})();
