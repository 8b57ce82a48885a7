/* The aggregate page's two charts, drawn with the vendored Apache ECharts from the JSON the
   page embeds (no second request). A blank sum is null: a gap, never a zero bar. */
(function () {
  "use strict";
  var source = document.getElementById("aggregate-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var titles = data.titles;
  var red = "#a31f24", blue = "#1d3f73";
  var font = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';

  function tooltip(series) {
    return function (params) {
      var p = Array.isArray(params) ? params[0] : params;
      var i = p.dataIndex;
      var value = series.values[i] === null ? titles.none : p.value.toLocaleString("zh-CN");
      var lines = [p.name + "（" + titles.reports.replace("{n}", series.reports[i]) + "）",
        titles.cell + "：" + value,
        titles.reported + " " + series.reported[i] + "，" + titles.blank + " " + series.blank[i]];
      return lines.join("<br>");
    };
  }

  function draw(id, series, kind, color) {
    var element = document.getElementById(id);
    if (!element) { return null; }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var slot = Math.max(40, (element.clientWidth - 60) / Math.max(1, series.labels.length) - 6);
    var crowded = series.labels.length > 8;
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: font },
      color: [color],
      grid: { left: 12, right: 20, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", formatter: tooltip(series) },
      xAxis: {
        type: "category",
        data: series.labels,
        axisLabel: {
          interval: 0,
          rotate: crowded ? 35 : 0,
          width: crowded ? undefined : slot,
          overflow: crowded ? "none" : "break",
          lineHeight: 16,
          /* how many reports stand behind each point (a sum of 1 report is not one of 30),
             and "all blank" where the bar is missing because no report gave the figure */
          formatter: function (label, i) {
            if (crowded) { return label; }
            var lines = [label, titles.reports.replace("{n}", series.reports[i])];
            if (series.values[i] === null) { lines.push(titles.none); }
            return lines.join("\n");
          }
        }
      },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        name: titles.cell,
        type: kind,
        data: series.values,
        connectNulls: false,
        barMaxWidth: 48,
        symbolSize: 8,
        label: { show: series.values.length <= 12, position: "top" }
      }]
    });
    return chart;
  }

  var charts = [
    draw("chart-bar", data.bar, "bar", red),
    draw("chart-line", data.line, "line", blue)
  ];
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { if (chart) { chart.resize(); } });
  });
  window.gongkaiCharts = charts;  /* for the browser tests */
}());
