/* The leadership dashboard's charts (ECharts, vendored). The numbers come from the page's
   json_script block; every chart has a table with the same numbers below it, so nothing here
   is the only way to read them. Clicking a delegation's bar opens that delegation's list. */
(function () {
  "use strict";
  var source = document.getElementById("jd-dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var L = data.labels;

  var GREEN = "#198754";
  var RED = "#dc3545";
  var AMBER = "#e0a800";
  var BLUE = "#2f6eb5";
  var GREY = "#adb5bd";
  var FONT = getComputedStyle(document.body).fontFamily;
  var charts = [];

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: FONT };
    option.animation = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }

  function pctLabel(value) {
    // The value is already rounded (jdrenda.percent); one decimal, as the page's tables.
    return value === null || value === undefined ? "—" : Number(value).toFixed(1) + "%";
  }

  function rateColour(value) {
    if (value === null || value === undefined) return GREY;
    if (value >= 90) return GREEN;
    if (value >= 60) return AMBER;
    return RED;
  }

  // Compliance per rule: one bar each, coloured by how far from full.
  make("jd-chart-rules", {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
      valueFormatter: pctLabel },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true,
      data: data.rules.map(function (r) { return r.name; }) },
    series: [{
      name: L.rate, type: "bar", barMaxWidth: 18,
      data: data.rules.map(function (r) {
        return { value: r.pct, itemStyle: { color: rateColour(r.pct) } };
      }),
      label: { show: true, position: "right", formatter: function (p) { return pctLabel(p.value); } }
    }]
  });

  // Delegations: deputies meeting every rule and those with a shortfall, stacked; the rate
  // beside the name. A click opens the list: the whole delegation, or only its 达标/未达标.
  var box = document.getElementById("jd-chart-delegations");
  if (box) box.style.height = Math.max(200, 70 + data.delegations.length * 30) + "px";
  var delegations = make("jd-chart-delegations", {
    grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0, data: [L.met_all, L.shortfall] },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
      formatter: function (items) {
        var d = data.delegations[items[0].dataIndex];
        return d.name + "<br>" + L.met_all + " " + d.met_all + " " + L.people + "<br>" +
          L.shortfall + " " + d.shortfall + " " + L.people + "<br>" + L.met_all_rate + " " +
          pctLabel(d.pct) + "<br><small>" + L.click + "</small>";
      } },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, triggerEvent: true,
      data: data.delegations.map(function (d) { return d.name; }),
      axisLabel: { formatter: function (name, i) {
        return name + "  " + pctLabel(data.delegations[i].pct);
      } } },
    series: [
      { name: L.met_all, type: "bar", stack: "n", barMaxWidth: 20, cursor: "pointer",
        itemStyle: { color: GREEN },
        data: data.delegations.map(function (d) { return { value: d.met_all, url: d.met_url }; }) },
      { name: L.shortfall, type: "bar", stack: "n", barMaxWidth: 20, cursor: "pointer",
        itemStyle: { color: RED },
        data: data.delegations.map(function (d) {
          return { value: d.shortfall, url: d.shortfall_url };
        }) }
    ]
  });
  if (delegations) {
    delegations.on("click", function (params) {
      var target = null;
      if (params.componentType === "series") {
        target = params.data && params.data.url;
      } else if (params.componentType === "yAxis") {
        // A click on a delegation's name opens the whole delegation.
        var found = data.delegations.filter(function (d) { return d.name === params.value; });
        target = found.length ? found[0].url : null;
      }
      if (target) window.location.href = target;
    });
  }

  // The term's years: the all-met rate (line) and deputies with a shortfall (bars); the
  // years still to come stay empty.
  make("jd-chart-trend", {
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, data: [L.met_all_rate, L.shortfall_people] },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.trend.map(function (t) { return t.year + L.year; }) },
    yAxis: [
      { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      { type: "value", minInterval: 1, splitLine: { show: false } }
    ],
    series: [
      { name: L.shortfall_people, type: "bar", yAxisIndex: 1, barMaxWidth: 28,
        itemStyle: { color: "rgba(220, 53, 69, 0.55)" },
        data: data.trend.map(function (t) { return t.shortfall; }) },
      { name: L.met_all_rate, type: "line", yAxisIndex: 0, symbolSize: 8,
        itemStyle: { color: GREEN }, lineStyle: { width: 3 },
        label: { show: true, formatter: function (p) { return pctLabel(p.value); } },
        tooltip: { valueFormatter: pctLabel },
        data: data.trend.map(function (t) { return t.pct; }) }
    ]
  });

  // Empty slices are left out (their labels would pile up); the tables list them all.
  function pie(id, title, items, colours) {
    var shown = items.filter(function (item) { return item.count > 0; });
    make(id, {
      title: { text: title, left: "center", top: 0, textStyle: { fontSize: 13, fontWeight: 500 } },
      tooltip: { trigger: "item", formatter: "{b}：{c} " + L.pieces + "（{d}%）" },
      legend: { bottom: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 } },
      series: [{
        type: "pie", radius: ["34%", "58%"], center: ["50%", "50%"],
        label: { formatter: "{c}", fontSize: 11 },
        data: shown.length ? shown.map(function (item) {
          return { name: item.label, value: item.count, itemStyle: { color: colours[item.key] } };
        }) : [{ name: L.none, value: 0, itemStyle: { color: GREY } }]
      }]
    });
  }
  pie("jd-chart-handling", L.handling, data.handling,
    { on_time: GREEN, late: AMBER, overdue: RED, pending: BLUE });
  pie("jd-chart-satisfaction", L.satisfaction, data.satisfaction,
    { satisfied: GREEN, basic: BLUE, unsatisfied: RED });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
