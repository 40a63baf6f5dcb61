// The price-history chart on a price series' admin page (no inline script: CSP).
(function () {
  var data = document.getElementById("price-history-figure");
  if (!data || typeof Plotly === "undefined") return;
  var figure = JSON.parse(data.textContent);
  // The shared chart config (charts/base.PLOTLY_CONFIG): no cloud, no logo.
  var config = document.getElementById("plotly-config");
  Plotly.newPlot("price-history-chart", figure.data, figure.layout,
                 config ? JSON.parse(config.textContent) : {displaylogo: false});
})();
