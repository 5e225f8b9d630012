// detente dashboard: draws the charts whose Vega-Lite specs the page carries.
// The specs are JSON data blocks (<script type="application/json">), never executed;
// vega-embed is served by this app (/assets/vega-embed.js), no CDN.
"use strict";

// The charts are made for print width; on screen they take the width of their box.
function fitWidth(spec, available) {
  const width = Math.max(Math.floor(available) - 110, 200); // less axis titles and legend room
  const views = spec.vconcat || spec.concat || spec.hconcat;
  if (spec.vconcat || spec.concat) {
    views.forEach((view) => {
      view.width = width;
    });
  } else if (!views) {
    spec.width = width;
  }
  return spec;
}

function drawCharts() {
  const boxes = document.querySelectorAll("[data-chart]");
  if (!boxes.length) {
    return;
  }
  if (typeof window.vegaEmbed !== "function") {
    boxes.forEach((box) => {
      box.textContent = "The chart library did not load; the table below the chart has the numbers.";
    });
    return;
  }
  boxes.forEach((box) => {
    const source = document.getElementById(box.dataset.chart);
    if (!source) {
      return;
    }
    const spec = fitWidth(JSON.parse(source.textContent), box.clientWidth);
    const options = {
      actions: false,
      renderer: "svg",
      ast: true, // evaluate expressions without eval(): the page's CSP forbids it
      defaultStyle: false, // no injected <style>: app.css styles the chart and tooltip
      tooltip: { disableDefaultStyle: true },
    };
    window.vegaEmbed(box, spec, options).then(
      (result) => {
        box.classList.add("drawn");
        const svg = box.querySelector("svg");
        if (svg) {
          svg.setAttribute("focusable", "false");
        }
        return result;
      },
      (error) => {
        box.textContent = "The chart could not be drawn: " + error.message;
        console.error(error);
      }
    );
  });
}

document.addEventListener("DOMContentLoaded", drawCharts);
