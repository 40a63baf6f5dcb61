/* The officials' pages: charts, repeatable rows, optional blocks, copy buttons and
   calculations sent in the background so a long simulation never freezes the page.
   Everything here is an enhancement: without JavaScript the forms post normally. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // The words this script shows, in the page's language (the #js-words element the
  // page writes from the one catalogue); English when a page has none.
  var WORDS = {
    copied: "Copied",
    calculating: "Calculating…",
    calculating_for: "Calculating… {seconds} s (simulations with many paths take a few seconds)",
    server_answered: "The server answered {status}.",
    unexpected_answer: "Unexpected answer from the server.",
    calculation_failed: "The calculation failed: {reason} Please try again.",
    modified_from: "Modified from:",
    download_png: "Download as PNG, with title and source",
    plotly: {},
  };
  var wordsElement = document.getElementById("js-words");
  if (wordsElement) Object.assign(WORDS, JSON.parse(wordsElement.textContent));

  function say(key, values) {
    return String(WORDS[key]).replace(/\{(\w+)\}/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

  // Plotly's own toolbar in the page's language: its words as a Plotly locale.
  var plotlyLocale = "";
  function registerPlotlyLocale() {
    if (plotlyLocale || !window.Plotly || !WORDS.language) return;
    if (!Object.keys(WORDS.plotly).length || /^en/.test(WORDS.language)) return;
    plotlyLocale = "app-" + WORDS.language;
    window.Plotly.register({ moduleType: "locale", name: plotlyLocale, dictionary: WORDS.plotly });
  }

  // A downloaded PNG carries the chart's title (top) and its source line (bottom),
  // so that it can be pasted into a note and still be cited.
  function downloadPng(chart) {
    var layout = Object.assign({}, chart.layout);
    var margin = Object.assign({}, layout.margin);
    margin.t = Math.max(margin.t || 0, 70);
    margin.b = Math.max(margin.b || 0, 60) + 50;
    layout.margin = margin;
    if (chart.dataset.title) layout.title = { text: chart.dataset.title, x: 0, xanchor: "left", font: { size: 18 } };
    if (chart.dataset.source) {
      layout.annotations = (layout.annotations || []).concat([{
        text: chart.dataset.source, xref: "paper", yref: "paper", x: 0, y: 0,
        xanchor: "left", yanchor: "top", yshift: -(margin.b - 20), showarrow: false,
        font: { size: 11, color: "#4a5560" },
      }]);
    }
    var height = (chart.offsetHeight > 500 ? 800 : 600) + 120;
    window.Plotly.downloadImage({ data: chart.data, layout: layout }, {
      format: "png",
      filename: chart.dataset.filename || chart.id,
      width: 1200,
      height: height,
    });
  }

  // The one shared config (charts/base.PLOTLY_CONFIG), with this chart's file name;
  // the modebar's camera makes the same titled, sourced PNG as the download button.
  function chartConfig(el) {
    var source = document.getElementById("plotly-config");
    var config = source ? JSON.parse(source.textContent) : { displaylogo: false };
    config.toImageButtonOptions = Object.assign({}, config.toImageButtonOptions, {
      filename: el.dataset.filename || el.id,
    });
    config.modeBarButtonsToRemove = (config.modeBarButtonsToRemove || []).concat(["toImage"]);
    registerPlotlyLocale();
    if (plotlyLocale) config.locale = plotlyLocale;
    // The toolbar shows on hover only, and never at a phone's width, where it would
    // sit over the legend and the labels (the download button below the chart stays).
    config.displayModeBar = window.matchMedia("(max-width: 700px)").matches ? false : "hover";
    config.modeBarButtonsToAdd = [{
      name: say("download_png"),
      icon: window.Plotly.Icons.camera,
      click: function () { downloadPng(el); },
    }];
    return config;
  }

  function drawCharts(root) {
    if (!window.Plotly) return;
    root.querySelectorAll(".chart[data-figure]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.figure);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      el.dataset.drawn = "1";
      window.Plotly.newPlot(el, figure.data, figure.layout, chartConfig(el));
    });
  }

  function setBlock(checkbox) {
    var body = document.getElementById(checkbox.dataset.toggles);
    if (!body) return;
    body.hidden = !checkbox.checked;
    checkbox.setAttribute("aria-expanded", checkbox.checked ? "true" : "false");
  }

  // Row items of a repeatable group: fieldsets, or the lines of a table (_rows_table).
  var ROWS = ":scope > .row-item, :scope > .table-scroll > table > tbody > .row-item";

  function isBlankRow(row) {
    return Array.prototype.every.call(
      row.querySelectorAll("input:not([type=checkbox]), select, textarea"),
      function (input) {
        if (input.tagName === "SELECT") return input.selectedIndex <= 0 || input.value === "";
        return input.value.trim() === "";
      }
    );
  }

  function renumber(fieldset) {
    fieldset.querySelectorAll(ROWS).forEach(function (row, i) {
      var number = row.querySelector(".row-number");
      if (number) number.textContent = String(i + 1);
    });
  }

  // Country fields suggest the stored partners (ISO 3166-1 codes, searched by name).
  var COUNTRY = /(^|-)(origin|market|exporter|importer)$/;

  function linkCountryPickers(root) {
    if (!document.getElementById("partner-codes")) return;
    root.querySelectorAll("input[type=text][name]").forEach(function (input) {
      if (COUNTRY.test(input.name)) input.setAttribute("list", "partner-codes");
    });
  }

  function prepareRows(root) {
    linkCountryPickers(root);
    root.querySelectorAll("fieldset[data-rows]").forEach(function (fieldset) {
      var rows = fieldset.querySelectorAll(ROWS);
      // "Add a row" replaces the blank spare rows offered to browsers without JavaScript.
      var kept = rows.length;
      rows.forEach(function (row) {
        if (row.hasAttribute("data-spare") && isBlankRow(row) && kept > 1) {
          row.remove();
          kept -= 1;
        }
      });
      renumber(fieldset);
    });
    root.querySelectorAll("input[data-toggles]").forEach(setBlock);
  }

  function addRow(button) {
    var name = button.dataset.addRow;
    var fieldset = button.closest("fieldset[data-rows]");
    var rows = fieldset.querySelectorAll(ROWS);
    var last = rows[rows.length - 1];
    var next = 0;
    rows.forEach(function (row) {
      next = Math.max(next, parseInt(row.dataset.row, 10) + 1);
    });
    var copy = last.cloneNode(true);
    var from = name + "-" + last.dataset.row + "-";
    var to = name + "-" + next + "-";
    copy.dataset.row = String(next);
    copy.removeAttribute("data-spare");
    copy.querySelectorAll("[name], [id], [for], [aria-describedby], [aria-controls], [data-toggles]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby", "aria-controls", "data-toggles"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.split(from).join(to));
      });
    });
    copy.querySelectorAll(".error-message").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    copy.querySelectorAll("input, select, textarea").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && !/-error$/.test(id);
      });
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
      if (input.type === "checkbox") input.checked = false;
      else if (input.tagName === "SELECT") input.selectedIndex = 0;
      else input.value = "";
    });
    last.after(copy);
    linkCountryPickers(copy);
    renumber(fieldset);
    var first = copy.querySelector("input:not([type=checkbox]), select");
    if (first) first.focus();
  }

  function removeRow(button) {
    var row = button.closest(".row-item");
    var fieldset = row.closest("fieldset[data-rows]");
    if (fieldset.querySelectorAll(ROWS).length <= 1) {
      row.querySelectorAll("input:not([type=checkbox]), select").forEach(function (input) {
        if (input.tagName === "SELECT") input.selectedIndex = 0;
        else input.value = "";
      });
      return;
    }
    var add = fieldset.querySelector("[data-add-row]");
    row.remove();
    renumber(fieldset);
    if (add) add.focus();
  }

  function copyField(button) {
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    var done = function () {
      var original = button.textContent;
      button.textContent = say("copied");
      setTimeout(function () { button.textContent = original; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  }

  var pending = null;

  function submitInBackground(form, submitter) {
    var main = document.getElementById("calculator-main");
    var busy = document.getElementById("busy");
    var button = form.querySelector("button[type=submit]");
    var started = Date.now();
    if (pending) pending.abort();
    var controller = new AbortController();
    pending = controller;
    var results = main.querySelector(".results-column");
    if (results) results.setAttribute("aria-busy", "true");
    main.classList.add("is-busy");
    button.disabled = true;
    var spinner = '<span class="spinner" aria-hidden="true"></span> ';
    busy.innerHTML = spinner;
    busy.appendChild(document.createTextNode(say("calculating")));
    var timer = setInterval(function () {
      var seconds = Math.round((Date.now() - started) / 1000);
      busy.innerHTML = spinner;
      busy.appendChild(document.createTextNode(say("calculating_for", { seconds: seconds })));
    }, 1000);
    var action = form.getAttribute("action").split("#")[0];
    fetch(action, {
      method: "POST",
      body: new FormData(form, submitter),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then(function (response) {
        if (!response.ok) throw new Error(say("server_answered", { status: response.status }));
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("calculator-main");
        if (!fresh) throw new Error(say("unexpected_answer"));
        main.replaceWith(fresh);
        prepareRows(fresh);
        drawCharts(fresh);
        var target = fresh.querySelector(".error-summary") || fresh.querySelector("#results-heading");
        if (target) {
          target.focus({ preventScroll: true });
          target.scrollIntoView({ behavior: "smooth", block: "start" });
        }
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        busy.textContent = say("calculation_failed", { reason: error.message });
        button.disabled = false;
        main.classList.remove("is-busy");
        if (results) results.removeAttribute("aria-busy");
      })
      .finally(function () {
        clearInterval(timer);
        if (pending === controller) pending = null;
      });
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-add-row], [data-remove-row], [data-copy], [data-download-png]");
    if (!target) return;
    if (target.hasAttribute("data-add-row")) addRow(target);
    else if (target.hasAttribute("data-remove-row")) removeRow(target);
    else if (target.hasAttribute("data-copy")) copyField(target);
    else if (target.hasAttribute("data-download-png") && window.Plotly) {
      downloadPng(document.getElementById(target.dataset.downloadPng));
    }
  });

  // Once an official edits a loaded precedent or the example, the page says so and the
  // ?scenario=N address goes: it no longer describes what the form holds.
  function markModified(event) {
    var note = document.getElementById("loaded-note");
    if (!note || note.dataset.modified || !event.target.closest("#calculator-form")) return;
    note.dataset.modified = "1";
    note.classList.add("modified-note");
    var state = note.querySelector("[data-loaded-state]");
    if (state) state.textContent = say("modified_from");
    if (window.history && window.location.search) {
      window.history.replaceState(null, "", window.location.pathname);
    }
  }

  document.addEventListener("input", markModified);

  document.addEventListener("change", function (event) {
    markModified(event);
    if (event.target.matches("input[data-toggles]")) setBlock(event.target);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-async]") || !window.fetch || !window.DOMParser) return;
    event.preventDefault();
    submitInBackground(form, event.submitter);
  });

  document.addEventListener("DOMContentLoaded", function () {
    prepareRows(document);
    drawCharts(document);
    // Picking another input to vary empties the range: the old one was for the old
    // input (the page then starts from ±20 % of the new input's value).
    document.querySelectorAll("select[data-resets-range]").forEach(function (select) {
      select.addEventListener("change", function () {
        ["from", "to"].forEach(function (id) {
          var input = document.getElementById(id);
          if (input) input.value = "";
        });
      });
    });
  });
})();
