/* Reform Ledger charts: ECharts bars from data the page embeds with json_script.
 * A chart is decoration over a table with the same figures, so a failure here hides nothing. */
(function () {
  "use strict";

  function css(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name);
    return (value && value.trim()) || fallback;
  }

  function tierChart() {
    var el = document.getElementById("tier-chart");
    var source = document.getElementById("tier-chart-data");
    if (!el || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    var font = css("--rl-font-sans", "sans-serif");
    var done = data.completed.map(function (c, i) {
      return { value: data.rate[i], completed: c, total: data.total[i] };
    });
    var open = data.rate.map(function (r, i) {
      return { value: data.total[i] ? Math.round((100 - r) * 10) / 10 : 0, completed: data.completed[i], total: data.total[i] };
    });
    chart.setOption({
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      textStyle: { fontFamily: font },
      color: [css("--rl-chart-done", "#1a7f37"), "#d0d7de"],
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (items) {
          var d = items[0].data;
          return items[0].name + "<br>" + data.labels.completed + ": " + d.completed + " / " + d.total +
            "<br>" + data.labels.rate + ": " + items[0].value + "%";
        }
      },
      legend: { top: 0, data: [data.labels.completed, data.labels.open] },
      grid: { left: 8, right: 24, bottom: 8, top: 36, containLabel: true },
      yAxis: { type: "category", data: data.categories, inverse: true, axisTick: { show: false } },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" },
        splitLine: { lineStyle: { color: "#eaeef2" } } },
      series: [
        { name: data.labels.completed, type: "bar", stack: "tier", data: done, barMaxWidth: 36,
          label: { show: true, position: "insideLeft", color: "#fff", fontWeight: 600,
            formatter: function (p) { return p.value + "%  (" + p.data.completed + " / " + p.data.total + ")"; } } },
        { name: data.labels.open, type: "bar", stack: "tier", data: open, barMaxWidth: 36 }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", tierChart);
  } else {
    tierChart();
  }
})();
