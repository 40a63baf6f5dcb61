// The price-history chart on a price series' admin page (no inline script: CSP).
(function () {
  var data = document.getElementById("price-history-figure");
  if (!data || typeof Plotly === "undefined") return;
  var figure = JSON.parse(data.textContent);
  Plotly.newPlot("price-history-chart", figure.data, figure.layout, {responsive: true, displaylogo: false});
})();
