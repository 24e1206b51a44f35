// xxgk dashboard: renders each page from the data files `xxgk site` wrote beside it (data/*.js).
// Data arrive as <script> files, not fetch(), so the site opens from the file system as well as
// from any static web server. Every number shown is a published mart value; nothing is computed
// here but formatting, colour and the on-time share of a row.
(function () {
  "use strict";
  var X = window.XXGK = window.XXGK || {};
  var fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else if (k.slice(0, 5) === "data-" || k === "href" || k === "title" || k === "id" || k === "colspan") node.setAttribute(k, attrs[k]);
      else node[k] = attrs[k];
    });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function num(v) { return v === null || v === undefined ? "—" : fmt.format(v); }
  function pct(v) { return v === null || v === undefined ? "—" : fmt.format(v * 100) + " %"; }
  function params() {
    var out = {};
    window.location.search.replace(/^\?/, "").split("&").forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf("=");
      out[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
    });
    return out;
  }
  function fail(message) {
    var box = document.getElementById("error");
    box.textContent = message;
    box.hidden = false;
  }
  // load one data file, then render; a missing file is a broken site, shown on the page
  function load(src, then) {
    var s = document.createElement("script");
    s.src = src;
    s.onload = then;
    s.onerror = function () { fail("data file missing: " + src + " (rebuild with `xxgk site`)"); };
    document.head.appendChild(s);
  }
  function reportHref(r) {
    return "report.html?id=" + encodeURIComponent(r.report_id) + "&shard=" + encodeURIComponent(r.shard);
  }
  function table(headers, rows, attrs) {
    var head = el("tr", {}, headers.map(function (h) { return el("th", { text: h }); }));
    return el("table", attrs || {}, [el("thead", {}, [head]), el("tbody", {}, rows)]);
  }
  function td(v, cls) { return el("td", { className: cls || "", text: v }); }
  function link(text, href) { return el("a", { href: href, text: text }); }

  // ---- national: province × year grid of one measure ---------------------------------------
  // a column per year, and per era where a year has rows of two report formats: the marts'
  // grain is province × year × era, and two eras are never one figure
  // log scale: province totals span orders of magnitude
  function lightness(v, lo, hi) {
    if (v === null || v === undefined || hi <= lo) return 92;
    var t = Math.max(0, Math.min(1, (Math.log1p(Math.max(v, 0)) - Math.log1p(Math.max(lo, 0))) /
                                    (Math.log1p(hi) - Math.log1p(Math.max(lo, 0)) || 1)));
    return 92 - t * 50;
  }
  function colour(v, lo, hi) { return "hsl(212, 70%, " + lightness(v, lo, hi) + "%)"; }
  function renderNational() {
    var N = X.national;
    var select = document.getElementById("measure");
    N.measures.forEach(function (m) {
      select.appendChild(el("option", { value: m.id, text: m.label + (m.kind === "rate" ? " (rate)" : "") }));
    });
    var wanted = params().measure;
    if (wanted) select.value = wanted;
    function draw() {
      var m = N.measures.filter(function (x) { return x.id === select.value; })[0];
      var values = [];
      Object.keys(N.cells).forEach(function (k) {
        var c = N.cells[k][m.kind === "rate" ? "rates" : "kpis"][m.id];
        if (c && c.value !== null && c.value !== undefined) values.push(c.value);
      });
      var lo = Math.min.apply(null, values.concat([0])), hi = Math.max.apply(null, values.concat([0]));
      var rows = N.provinces.map(function (p) {
        var cells = [el("th", {}, [link(p.name, "province.html?code=" + p.code)])];
        N.columns.forEach(function (col) {
          var y = col.year;
          var cell = N.cells[p.code + "|" + y + "|" + col.era];
          var c = cell && cell[m.kind === "rate" ? "rates" : "kpis"][m.id];
          if (!c || c.value === null || c.value === undefined) {
            cells.push(el("td", { className: "cell empty", "data-province": p.code, "data-year": y, "data-era": col.era,
                                  title: cell ? "no exact value on this basis" : "no report" }, [cell ? "·" : ""]));
            return;
          }
          var complete = c.is_complete === true;
          var cov = cell.basis_units_expected ? cell.basis_units_reported + "/" + cell.basis_units_expected : "?/?";
          var td_ = el("td", {
            className: "cell" + (complete ? "" : " incomplete") + (cell.includes_synthetic ? " synthetic" : ""),
            "data-province": p.code, "data-year": y, "data-era": col.era, "data-value": c.value, "data-complete": complete,
            title: p.name + " " + y + " (" + (N.eras[col.era] || col.era) + "): " +
                   (m.kind === "rate" ? pct(c.value) : num(c.value)) + "\nbasis: " + c.basis +
                   " (" + cov + " units reported" + (complete ? "" : ", INCOMPLETE") + ")" +
                   (cell.includes_synthetic ? "\nincludes synthetic demo reports" : "")
          }, [m.kind === "rate" ? pct(c.value) : num(c.value), el("small", { text: cov + (complete ? "" : " ⚠") })]);
          td_.style.backgroundColor = colour(c.value, lo, hi);
          if (lightness(c.value, lo, hi) < 62) td_.className += " dark";
          cells.push(td_);
        });
        return el("tr", { "data-province": p.code }, cells);
      });
      var grid = document.getElementById("grid");
      grid.innerHTML = "";
      grid.appendChild(table(["province"].concat(N.columns.map(function (col) { return col.label; })), rows,
                             { className: "grid", id: "province-year-grid" }));
      document.getElementById("measure-note").textContent = m.description || "";
    }
    select.addEventListener("change", draw);
    draw();
  }

  // ---- a province ------------------------------------------------------------------------------
  function renderProvince() {
    var code = params().code;
    if (!code) return fail("no province code in the address (province.html?code=440000)");
    load("data/provinces/" + code + ".js", function () {
      var P = X.provinces && X.provinces[code];
      if (!P) return fail("no data for province " + code);
      document.title = P.name + " · xxgk";
      document.getElementById("title").textContent = P.name;
      var years = P.years.map(function (y) {
        var known = y.on_time + y.late;
        return el("tr", { "data-year": y.report_year, "data-era": y.era }, [
          td(String(y.report_year)), td(y.era), td(y.basis || "—"), td(num(y.reports_cnt), "num"),
          td(y.basis_units_expected ? y.basis_units_reported + "/" + y.basis_units_expected : "—", "num"),
          td(y.is_complete ? "complete" : "incomplete"),
          td(known ? pct(y.on_time / known) + " (" + y.on_time + "/" + known + ")" : "unknown", "num"),
          td(num(y.balance_failures), "num"),
          el("td", { className: "num applications", "data-value": y.applications_received === null ? "" : y.applications_received,
                     text: num(y.applications_received) })
        ]);
      });
      document.getElementById("years").appendChild(table(
        ["year", "era", "basis", "reports", "units reported / expected", "basis complete?", "on time", "勾稽 failures", "applications received"],
        years, { id: "province-years" }));
      // coverage pivoted: a row per year, a column per level, "found / expected" (on time in brackets)
      var levels = [], byYear = {};
      P.coverage.forEach(function (c) {
        var level = c.level + (c.admin_tier ? " (" + c.admin_tier + ")" : "");
        if (levels.indexOf(level) < 0) levels.push(level);
        (byYear[c.report_year] = byYear[c.report_year] || {})[level] = c;
      });
      var coverage = Object.keys(byYear).sort().map(function (year) {
        return el("tr", { "data-year": year }, [td(year)].concat(levels.map(function (level) {
          var c = byYear[year][level];
          if (!c) return td("");
          var text = num(c.reports_found) + " / " + (c.bodies_expected === null ? "—" : num(c.bodies_expected));
          if (c.on_time || c.late) text += " (" + c.on_time + " on time, " + c.late + " late)";
          return td(text, c.reports_found ? "num" : "num muted");
        })));
      });
      document.getElementById("coverage").appendChild(table(["year"].concat(levels), coverage, { id: "province-coverage" }));
      var reports = P.reports.map(function (r) {
        return el("tr", {}, [td(String(r.report_year)), el("td", {}, [link(r.issuer || r.report_id.slice(0, 12), reportHref(r))]),
          td(r.level || "—"), td(r.scope || "—"), td(r.on_time === null ? "unknown" : (r.on_time ? "yes" : "no")),
          td(num(r.quality_errors_cnt), "num")]);
      });
      document.getElementById("reports").appendChild(table(["year", "issuer", "level", "scope", "on time", "errors"], reports));
      if (window.Chart) {
        var labels = P.years.map(function (y) { return y.label; });
        new window.Chart(document.getElementById("trend-applications"), {
          type: "line", options: { animation: false, maintainAspectRatio: false },
          data: { labels: labels, datasets: [{ label: "applications received (basis)", data: P.years.map(function (y) { return y.applications_received; }) },
                                            { label: "reports", data: P.years.map(function (y) { return y.reports_cnt; }) }] }
        });
        new window.Chart(document.getElementById("trend-coverage"), {
          type: "line", options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } } },
          data: { labels: labels, datasets: [
            { label: "coverage % (units reported / expected)", data: P.years.map(function (y) { return y.basis_units_expected ? 100 * y.basis_units_reported / y.basis_units_expected : null; }) },
            { label: "on time %", data: P.years.map(function (y) { var k = y.on_time + y.late; return k ? 100 * y.on_time / k : null; }) }] }
        });
      }
    });
  }

  // ---- a report: every number with where it was read ---------------------------------------------
  function sourceCell(k) {
    if (k.table_index !== null && k.table_index !== undefined) {
      return el("td", {}, ["table " + k.source.replace("table", "") + " (#" + k.table_index + "), row " + k.row_index +
        " “" + (k.row_label || "") + "”, column " + k.col_index + " “" + (k.col_label || "") + "”: ",
        el("mark", { text: k.raw_text || "" })]);
    }
    if (k.char_start !== null && k.char_start !== undefined) {
      return el("td", { className: "context" }, [k.context_before || "", el("mark", { text: k.raw_text || "" }),
        k.context_after || "", el("small", { className: "muted", text: " [chars " + k.char_start + "–" + k.char_end + "]" })]);
    }
    return td(k.raw_text || "—");
  }
  function renderReport() {
    var p = params();
    if (!p.id || !p.shard) return fail("no report in the address (report.html?id=…&shard=…)");
    load("data/reports/" + p.shard + ".js", function () {
      var R = X.reports && X.reports[p.id];
      if (!R) return fail("no report " + p.id + " in shard " + p.shard);
      document.title = (R.issuer || "report") + " " + R.report_year + " · xxgk";
      document.getElementById("title").textContent = (R.issuer || "unknown issuer") + " · " + R.report_year;
      var prov = document.getElementById("provenance");
      [["title", R.title], ["source URL", R.source_url], ["first fetched", R.first_seen_at], ["sha256", R.sha256],
       ["province", R.province_name], ["level / scope", (R.level || "—") + " / " + (R.scope || "—")],
       ["era", R.era], ["format", R.source_format], ["on time", R.on_time === null ? "unknown" : (R.on_time ? "yes" : "no")],
       ["synthetic", R.is_synthetic ? "yes (a demo report)" : "no"]].forEach(function (kv) {
        prov.appendChild(el("dt", { text: kv[0] }));
        var dd = el("dd", { "data-field": kv[0] });
        if (kv[0] === "source URL" && kv[1]) dd.appendChild(link(kv[1], kv[1])); else dd.textContent = kv[1] === null || kv[1] === undefined ? "—" : String(kv[1]);
        prov.appendChild(dd);
      });
      var rows = R.kpis.map(function (k) {
        return el("tr", { "data-kpi": k.kpi }, [td(k.kpi), el("td", { className: "num", "data-value": k.value === null ? "" : k.value,
          text: k.cell_state === "blank" ? "blank" : num(k.value) }), td(k.qualifier || (k.cell_state === "blank" ? "" : "exact")),
          td(k.unit || ""), sourceCell(k)]);
      });
      document.getElementById("kpis").appendChild(table(["KPI", "value", "qualifier", "unit", "read from"], rows, { id: "report-kpis" }));
    });
  }

  // ---- quality ------------------------------------------------------------------------------------
  function renderQuality() {
    var Q = X.quality;
    document.getElementById("checks").appendChild(table(["check", "severity", "findings", "reports"], Q.checks.map(function (c) {
      return el("tr", {}, [td(c.check_id), td(c.severity), td(num(c.findings), "num"), td(num(c.reports), "num")]);
    }), { id: "quality-checks" }));
    document.getElementById("findings-note").textContent = Q.findings_shown + " of " + Q.findings_total +
      " error and warning findings shown (all are in fct_quality_issues and the export)";
    document.getElementById("findings").appendChild(table(["report", "year", "check", "severity", "message"], Q.findings.map(function (f) {
      return el("tr", {}, [el("td", {}, [f.report_id ? link(f.issuer || f.report_id.slice(0, 12), reportHref(f)) : document.createTextNode(f.sha256.slice(0, 12))]),
        td(String(f.report_year || "—")), td(f.check_id), td(f.severity), td(f.message || "")]);
    })));
    document.getElementById("copies").appendChild(table(["report", "year", "similarity to the year before", "previous year's report"], Q.copies.map(function (r) {
      return el("tr", {}, [el("td", {}, [link(r.issuer || r.report_id.slice(0, 12), reportHref(r))]), td(String(r.report_year)),
        td(pct(r.previous_year_similarity), "num"),
        el("td", {}, [r.previous ? link(r.previous.issuer + " " + r.previous.report_year, reportHref(r.previous)) : document.createTextNode(r.previous_year_report_id)])]);
    }), { id: "copies-table" }));
    document.getElementById("edited").appendChild(table(["report", "year", "versions", "changed after first seen", "stated date changed"], Q.edited.map(function (r) {
      return el("tr", {}, [el("td", {}, [link(r.issuer || r.report_id.slice(0, 12), reportHref(r))]), td(String(r.report_year)),
        td(num(r.versions_cnt), "num"), td(r.changed_after_first_seen ? "yes" : "no"), td(r.stated_date_changed ? "yes" : "no")]);
    }), { id: "edited-table" }));
    document.getElementById("portals").appendChild(table(["portal", "health", "last ok"], Q.portals.map(function (p) {
      return el("tr", {}, [td(p.portal_id), el("td", {}, [el("span", { className: "badge bad", text: p.health })]), td(p.last_ok_at || "never")]);
    }), { id: "portals-table" }));
  }

  var pages = { national: renderNational, province: renderProvince, report: renderReport, quality: renderQuality };
  document.addEventListener("DOMContentLoaded", function () {
    var meta = X.meta;
    if (meta) document.getElementById("built").textContent = "built " + meta.built_at + " from " + meta.published_file;
    pages[document.body.getAttribute("data-page")]();
  });
})();
