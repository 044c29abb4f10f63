// trendkb's one script: draws every chart and runs the Explore table.
//
// Material's instant navigation swaps page content without re-running inline
// scripts, so nothing is done per chart in the page: this file subscribes to
// Material's document$ and sets up whatever the new page holds. Chart specs are
// JSON files named by data-chart; plotly.js and a chart's spec are fetched only
// when the chart comes near the screen, so a page whose chart is never scrolled
// to never downloads them. (The radar and sparklines are inline SVG: no script.)
(function () {
  "use strict";

  var plotlyUrl = new URL("plotly.min.js", document.currentScript.src).href;
  var plotlyLoading = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = plotlyUrl;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = function () { plotlyLoading = null; reject(new Error("could not load " + plotlyUrl)); };
        document.head.appendChild(script);
      });
    }
    return plotlyLoading;
  }

  // Colours come from Material's CSS variables, so light and dark both read well.
  function themed(layout) {
    var style = getComputedStyle(document.body);
    var ink = style.getPropertyValue("--md-default-fg-color").trim() || "#000";
    var grid = style.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ddd";
    var out = Object.assign({}, layout, {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: Object.assign({}, layout.font, { color: ink }),
      template: undefined
    });
    ["xaxis", "yaxis", "yaxis2"].forEach(function (axis) {
      if (layout[axis]) out[axis] = Object.assign({}, layout[axis], { gridcolor: grid, zerolinecolor: grid, linecolor: grid });
    });
    return out;
  }

  function render(node) {
    var spec = node.tkbSpec;
    var config = Object.assign({ responsive: true, displaylogo: false }, spec.config);
    return window.Plotly.react(node, spec.data, themed(spec.layout), config);
  }

  function draw(node) {
    Promise.all([
      loadPlotly(),
      fetch(new URL(node.getAttribute("data-chart"), location.href)).then(function (response) {
        if (!response.ok) throw new Error("chart " + response.url + ": HTTP " + response.status);
        return response.json();
      })
    ]).then(function (loaded) {
      node.tkbSpec = loaded[1];
      return render(node);
    }).then(function () {
      node.setAttribute("data-drawn", "true");
    }).catch(function (error) { console.warn("trendkb:", error.message); });
  }

  // One observer per page; instant navigation replaces the page, so the last one is let go.
  var watching = null;

  function drawCharts() {
    if (watching) watching.disconnect();
    var nodes = document.querySelectorAll("[data-chart]");
    if (!nodes.length) return;
    watching = new IntersectionObserver(function (entries, observer) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        draw(entry.target);
      });
    }, { rootMargin: "200px 0px" });  // start a little before the chart is on screen
    nodes.forEach(function (node) { watching.observe(node); });
  }

  function recolorCharts() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-drawn]").forEach(render);
  }

  new MutationObserver(recolorCharts).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"]
  });

  // Material's search box is a dialog with no name, which screen readers announce as just "dialog".
  // It sits in the header, which instant navigation keeps, so naming it once is enough.
  var search = document.querySelector(".md-search[role=dialog]");
  if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");

  // ------------------------------------------------------------ Explore

  function setupExplore() {
    var form = document.querySelector("[data-tkb-explore]");
    var table = document.querySelector("[data-tkb-sortable]");
    if (!form || !table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var count = document.querySelector(".tkb-count");
    var headers = table.querySelectorAll("th[data-key]");
    // The single-choice filters: each a <select> of the form, a data- attribute of the rows and a key of the address.
    var choices = ["area", "ring", "momentum", "adoption"];

    function readUrl() {
      var query = new URLSearchParams(location.search);
      var state = { tags: query.getAll("tag"), sort: query.get("sort") || "", dir: query.get("dir") === "desc" ? "desc" : "asc" };
      choices.forEach(function (name) { state[name] = query.get(name) || ""; });
      return state;
    }

    function readForm(state) {
      var read = {
        tags: Array.prototype.slice.call(form.querySelectorAll("input[name=tag]:checked")).map(function (box) { return box.value; }),
        sort: state.sort, dir: state.dir
      };
      choices.forEach(function (name) { read[name] = form.elements[name].value; });
      return read;
    }

    function showInForm(state) {
      choices.forEach(function (name) { form.elements[name].value = state[name]; });
      form.querySelectorAll("input[name=tag]").forEach(function (box) { box.checked = state.tags.indexOf(box.value) >= 0; });
    }

    function writeUrl(state) {
      var query = new URLSearchParams();
      choices.forEach(function (name) { if (state[name]) query.set(name, state[name]); });
      state.tags.forEach(function (tag) { query.append("tag", tag); });
      if (state.sort) { query.set("sort", state.sort); query.set("dir", state.dir); }
      var search = query.toString();
      history.replaceState(history.state, "", location.pathname + (search ? "?" + search : ""));
    }

    function sortValue(row, key) {
      var value = row.cells[key].getAttribute("data-sort");
      return value === "" || value === null ? null : (isNaN(Number(value)) ? value : Number(value));
    }

    function apply(state) {
      var shown = 0;
      rows.forEach(function (row) {
        var tags = row.getAttribute("data-tags").split(" ");
        var visible = choices.every(function (name) { return !state[name] || row.getAttribute("data-" + name) === state[name]; }) &&
          (!state.tags.length || state.tags.some(function (tag) { return tags.indexOf(tag) >= 0; }));
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      var ordered = rows.slice();
      if (state.sort) {
        var key = Number(state.sort);
        var sign = state.dir === "desc" ? -1 : 1;
        ordered.sort(function (a, b) {
          var x = sortValue(a, key), y = sortValue(b, key);
          if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1);  // no data sorts last
          return (x < y ? -1 : x > y ? 1 : 0) * sign;
        });
      }
      ordered.forEach(function (row) { body.appendChild(row); });
      headers.forEach(function (th) {
        th.setAttribute("aria-sort", th.getAttribute("data-key") === state.sort
          ? (state.dir === "desc" ? "descending" : "ascending") : "none");
      });
      count.textContent = shown + " of " + rows.length + " trends";
      var tagCount = form.querySelector("[data-tkb-tag-count]");
      if (tagCount) tagCount.textContent = state.tags.length ? "(" + state.tags.length + " selected: any of them)" : "";
      if (state.tags.length) form.querySelector("details.tkb-tags").open = true;
    }

    var state = readUrl();
    showInForm(state);
    apply(state);

    form.addEventListener("change", function () {
      state = readForm(state);
      writeUrl(state);
      apply(state);
    });
    form.addEventListener("reset", function (event) {
      event.preventDefault();
      state = { tags: [], sort: state.sort, dir: state.dir };
      choices.forEach(function (name) { state[name] = ""; });
      showInForm(state);
      writeUrl(state);
      apply(state);
    });
    // Each sortable heading holds a button, so the keyboard reaches it and Enter or Space sorts.
    headers.forEach(function (th) {
      th.querySelector("button").addEventListener("click", function () {
        var key = th.getAttribute("data-key");
        state.dir = state.sort === key && state.dir === "asc" ? "desc" : "asc";
        state.sort = key;
        writeUrl(state);
        apply(state);
      });
    });
  }

  window.document$.subscribe(function () {
    drawCharts();
    setupExplore();
  });
})();
