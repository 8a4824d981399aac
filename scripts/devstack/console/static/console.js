// A little behaviour for server-rendered pages: refresh <main> in place (data-refresh seconds,
// paused while a <details> is open or a form has focus), and draw the metrics graphs.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var seconds = main && Number(main.getAttribute("data-refresh"));

  function busy() {
    return document.querySelector("main details[open]") !== null ||
      (document.activeElement && main.contains(document.activeElement) && document.activeElement.tagName !== "BODY");
  }

  if (seconds > 0) {
    window.setInterval(function () {
      if (document.hidden || busy()) {
        return;
      }
      fetch(window.location.href, { headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
          if (fresh && !busy()) { main.innerHTML = fresh.innerHTML; }
        })
        .catch(function () { /* the stack may be restarting: try again next time */ });
    }, seconds * 1000);
  }

  var graphs = document.getElementById("graphs");
  if (!graphs) { return; }
  var colours = ["#5b8def", "#2f9e6b", "#d9822b", "#a77bd8", "#c43d4b", "#3aa6b9"];

  function draw(figure, graph) {
    var svg = figure.querySelector("svg");
    var legend = figure.querySelector(".legend");
    var points = [].concat.apply([], graph.series.map(function (s) { return s.points; }));
    svg.innerHTML = "";
    legend.textContent = "";
    if (graph.error) { legend.textContent = graph.error; return; }
    if (!points.length) { legend.textContent = "no data yet"; return; }
    var t0 = Math.min.apply(null, points.map(function (p) { return p[0]; }));
    var t1 = Math.max.apply(null, points.map(function (p) { return p[0]; }));
    var top = Math.max.apply(null, points.map(function (p) { return p[1]; })) || 1;
    graph.series.forEach(function (series, i) {
      var line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      line.setAttribute("fill", "none");
      line.setAttribute("stroke", colours[i % colours.length]);
      line.setAttribute("stroke-width", "2");
      line.setAttribute("vector-effect", "non-scaling-stroke");
      line.setAttribute("points", series.points.map(function (p) {
        var x = t1 > t0 ? (600 * (p[0] - t0)) / (t1 - t0) : 0;
        return x.toFixed(1) + "," + (175 - (165 * p[1]) / top).toFixed(1);
      }).join(" "));
      svg.appendChild(line);
      var key = document.createElement("span");
      var last = series.points.length ? series.points[series.points.length - 1][1] : NaN;
      key.style.color = colours[i % colours.length];
      key.textContent = series.label + ": " + (isNaN(last) ? "–" : last.toPrecision(3));
      legend.appendChild(key);
    });
    var scale = document.createElement("span");
    scale.textContent = "max " + top.toPrecision(3) + " " + graph.unit;
    legend.appendChild(scale);
  }

  function refresh() {
    fetch(graphs.getAttribute("data-source"))
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (!answer.available) { graphs.hidden = true; return; }
        graphs.hidden = false;
        answer.graphs.forEach(function (graph, i) {
          var figure = graphs.querySelector('figure[data-index="' + i + '"]');
          if (figure) { draw(figure, graph); }
        });
      })
      .catch(function () { /* next time */ });
  }
  refresh();
  window.setInterval(refresh, 10000);
})();
