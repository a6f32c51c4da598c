// Figures that move with no kernel. A chapter's cell shows one with
// lossbook.figures.live_figure(kind, spec, fig): the notebook and the PDF show
// the static figure, and the site a <div class="live-figure"> whose spec
// (_ext/figures.py) this script draws as SVG, with sliders, computing in the
// browser the formula that the cell computed with PyTorch. Its labels come
// from the spec, in the page's language; its numbers from the cell.
// Each figure keeps what it shows in data-state (JSON), which the browser test
// compares with the values the cell computed (spec.checks).
"use strict";
(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const W = 640, H = 340, M = {left: 62, right: 18, top: 16, bottom: 48};

  const fill = (text, ...values) => text.replace(/\{(\d+)\}/g, (_, i) => values[Number(i)]);
  const fixed = (x, digits) => x.toFixed(digits).replace("-", "−");
  const make = (tag, attrs = {}, parent = null, ns = SVG) => {
    const node = document.createElementNS(ns, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (parent) parent.append(node);
    return node;
  };
  const html = (tag, attrs = {}, parent = null) => make(tag, attrs, parent, "http://www.w3.org/1999/xhtml");
  const logSumExp = (zs) => {
    const m = Math.max(...zs);
    return m + Math.log(zs.reduce((sum, z) => sum + Math.exp(z - m), 0));
  };
  const softmax = (zs) => {
    const lse = logSumExp(zs);
    return zs.map((z) => Math.exp(z - lse));
  };
  const ticks = (lo, hi, n = 5) => {
    const step0 = (hi - lo) / n, mag = 10 ** Math.floor(Math.log10(step0));
    const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= step0);
    const out = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Number(t.toFixed(10)));
    return out;
  };

  // A plot area with axes: x(v), y(v) map data to the SVG, and labels name the axes.
  const frame = (svg, [x0, x1], [y0, y1], xLabel, yLabel, xTicks = null) => {
    const x = (v) => M.left + (v - x0) / (x1 - x0) * (W - M.left - M.right);
    const y = (v) => H - M.bottom - (v - y0) / (y1 - y0) * (H - M.top - M.bottom);
    const axes = make("g", {class: "lf-axes"}, svg);
    make("line", {x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom}, axes);
    make("line", {x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom}, axes);
    for (const t of xTicks || ticks(x0, x1)) {
      make("line", {x1: x(t), x2: x(t), y1: H - M.bottom, y2: H - M.bottom + 5}, axes);
      make("text", {x: x(t), y: H - M.bottom + 18, "text-anchor": "middle"}, axes).textContent = fixed(t, t % 1 ? 1 : 0);
    }
    for (const t of ticks(y0, y1)) {
      make("line", {x1: M.left - 5, x2: M.left, y1: y(t), y2: y(t)}, axes);
      make("line", {x1: M.left, x2: W - M.right, y1: y(t), y2: y(t), class: "lf-grid"}, axes);
      make("text", {x: M.left - 8, y: y(t) + 4, "text-anchor": "end"}, axes).textContent = fixed(t, t % 1 ? 2 : 0);
    }
    make("text", {x: (M.left + W - M.right) / 2, y: H - 8, "text-anchor": "middle", class: "lf-label"}, axes)
      .textContent = xLabel;
    make("text", {x: 14, y: (M.top + H - M.bottom) / 2, "text-anchor": "middle", class: "lf-label",
                  transform: `rotate(-90 14 ${(M.top + H - M.bottom) / 2})`}, axes).textContent = yLabel;
    return {x, y};
  };
  const path = (points, attrs, parent) =>
    make("path", {d: points.map(([px, py], i) => `${i ? "L" : "M"}${px.toFixed(1)},${py.toFixed(1)}`).join(""),
                  fill: "none", ...attrs}, parent);

  // The parts every live figure has: a title that reads out what it shows, the chart, and its
  // controls, each a labelled slider (or list) with its value beside it.
  const scaffold = (box) => {
    box.replaceChildren();
    const title = html("p", {class: "lf-title", "aria-live": "polite"}, box);
    const svg = make("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", class: "lf-chart"}, box);
    const controls = html("div", {class: "lf-controls"}, box);
    const slider = (name, label, {min, max, step, value}, show = (v) => v) => {
      const row = html("label", {class: "lf-control"}, controls);
      html("span", {class: "lf-name"}, row).textContent = label;
      const input = html("input", {type: "range", min, max, step, value, name}, row);
      const out = html("output", {}, row);
      const sync = () => { out.textContent = show(Number(input.value)); };
      input.addEventListener("input", sync);
      sync();
      return input;
    };
    const choice = (name, label, options, value) => {
      const row = html("label", {class: "lf-control"}, controls);
      html("span", {class: "lf-name"}, row).textContent = label;
      const select = html("select", {name}, row);
      options.forEach((text, i) => { html("option", {value: i}, select).textContent = text; });
      select.value = String(value);
      return select;
    };
    const redraw = (draw) => {
      const update = () => {
        svg.replaceChildren();
        const state = draw(svg);
        title.textContent = state.title;
        svg.setAttribute("aria-label", state.title);
        delete state.title;
        box.dataset.state = JSON.stringify(state);
      };
      controls.addEventListener("input", update);
      update();
    };
    return {slider, choice, redraw};
  };

  const KINDS = {
    // Chapter 1: the softmax of three logits at a temperature, and the loss of a target.
    "softmax-temperature"(box, spec) {
      const L = spec.labels, n = spec.logits.length;
      const ui = scaffold(box);
      const logits = spec.logits.map((v, i) => ui.slider(`z${i}`, fill(L.logit, i),
        {min: spec.logit_range[0], max: spec.logit_range[1], step: 0.1, value: v}, (v) => fixed(v, 1)));
      const [lo, hi] = [Math.log10(spec.T.min), Math.log10(spec.T.max)];
      const T = ui.slider("T", L.temperature, {min: lo, max: hi, step: 0.01, value: Math.log10(spec.T.value)},
                          (v) => String(Number((10 ** v).toPrecision(3))));
      const target = ui.choice("target", L.target, spec.logits.map((_, i) => fill(L.class, i)), spec.target);
      ui.redraw((svg) => {
        const z = logits.map((s) => Number(s.value)), t = 10 ** Number(T.value), y = Number(target.value);
        const p = softmax(z.map((v) => v / t)), loss = -Math.log(p[y]);
        const {x: X, y: Y} = frame(svg, [0, n], [0, 1], "", L.y, []);
        p.forEach((v, i) => {
          const cls = i === y ? "lf-bar lf-target" : "lf-bar";
          make("rect", {x: X(i + 0.15), width: X(0.85) - X(0.15), y: Y(v), height: Y(0) - Y(v), class: cls}, svg);
          make("text", {x: X(i + 0.5), y: Y(v) - 5, "text-anchor": "middle"}, svg).textContent = fixed(v, 3);
          make("text", {x: X(i + 0.5), y: H - M.bottom + 18, "text-anchor": "middle", class: "lf-label"}, svg)
            .textContent = fill(L.class, i);
        });
        return {title: fill(L.title, String(Number(t.toPrecision(3))), y, fixed(loss, 3)),
                logits: z, T: t, target: y, p, loss};
      });
    },

    // Chapter 4: the loss -log p_y and its gradient p_y - 1 as the target's logit moves.
    "loss-gradient"(box, spec) {
      const L = spec.labels, [lo, hi] = [spec.zy.min, spec.zy.max];
      const ui = scaffold(box);
      const zy = ui.slider("zy", L.slider, spec.zy, (v) => fixed(v, 1));
      const at = (v) => {
        const p = softmax([v, ...spec.others])[0];
        return {loss: logSumExp([v, ...spec.others]) - v, grad: p - 1};
      };
      const grid = Array.from({length: 241}, (_, i) => lo + (hi - lo) * i / 240);
      const top = Math.ceil(at(lo).loss);
      ui.redraw((svg) => {
        const v = Number(zy.value), {loss, grad} = at(v);
        const {x, y} = frame(svg, [lo, hi], [-1, top], L.x, "");
        path(grid.map((g) => [x(g), y(at(g).loss)]), {class: "lf-curve lf-one"}, svg);
        path(grid.map((g) => [x(g), y(at(g).grad)]), {class: "lf-curve lf-two"}, svg);
        make("line", {x1: x(v), x2: x(v), y1: y(-1), y2: y(top), class: "lf-now"}, svg);
        make("circle", {cx: x(v), cy: y(loss), r: 5, class: "lf-dot lf-one"}, svg);
        make("circle", {cx: x(v), cy: y(grad), r: 5, class: "lf-dot lf-two"}, svg);
        const key = make("g", {class: "lf-key"}, svg);
        [[L.loss, "lf-one"], [L.grad, "lf-two"]].forEach(([text, cls], i) => {
          make("line", {x1: W - M.right - 250, x2: W - M.right - 226, y1: M.top + 12 + 18 * i,
                        y2: M.top + 12 + 18 * i, class: `lf-curve ${cls}`}, key);
          make("text", {x: W - M.right - 220, y: M.top + 16 + 18 * i}, key).textContent = text;
        });
        return {title: fill(L.title, fixed(v, 1), fixed(loss, 4), fixed(grad, 4)), zy: v, loss, grad};
      });
    },

    // Chapter 4: with label smoothing the loss has a minimum at a finite logit gap.
    "label-smoothing"(box, spec) {
      const L = spec.labels, C = spec.classes, [g0, g1] = spec.gap;
      const ui = scaffold(box);
      const eps = ui.slider("eps", L.slider, spec.eps, (v) => v.toFixed(2));
      // Logits (g, 0, ..., 0), target 0: H(q, p) = -(1 - e + e/C) g + log(e^g + C - 1).
      const lossAt = (e, g) => -(1 - e + e / C) * g + logSumExp([g, ...Array(C - 1).fill(0)]);
      const grid = Array.from({length: 241}, (_, i) => g0 + (g1 - g0) * i / 240);
      // Room for every curve the slider can draw: the highest is at the largest epsilon.
      const top = Math.ceil(Math.max(lossAt(0, g0), lossAt(spec.eps.max, g0), lossAt(spec.eps.max, g1)));
      ui.redraw((svg) => {
        const e = Number(eps.value), high = 1 - e + e / C, rest = e / C;
        const gap = Math.log(high / rest), min = lossAt(e, gap);
        const {x, y} = frame(svg, [g0, g1], [0, top], L.x, L.y);
        path(grid.map((g) => [x(g), y(lossAt(0, g))]), {class: "lf-curve lf-ref"}, svg);
        path(grid.map((g) => [x(g), y(lossAt(e, g))]), {class: "lf-curve lf-one"}, svg);
        if (gap <= g1) make("circle", {cx: x(gap), cy: y(min), r: 5, class: "lf-dot lf-min"}, svg);
        const key = make("g", {class: "lf-key"}, svg);
        [[L.none, "lf-ref"], [fill(L.eps, e.toFixed(2)), "lf-one"]].forEach(([text, cls], i) => {
          make("line", {x1: W - M.right - 230, x2: W - M.right - 206, y1: M.top + 12 + 18 * i,
                        y2: M.top + 12 + 18 * i, class: `lf-curve ${cls}`}, key);
          make("text", {x: W - M.right - 200, y: M.top + 16 + 18 * i}, key).textContent = text;
        });
        return {title: fill(L.minimum, fixed(min, 4), fixed(gap, 4)), eps: e, min_loss: min, min_gap: gap,
                loss_at: spec.checks.filter((c) => c.gap !== undefined).map((c) => [c.gap, lossAt(e, c.gap)])};
      });
    },
  };

  document.addEventListener("DOMContentLoaded", () => {
    for (const box of document.querySelectorAll(".live-figure[data-spec]")) {
      const spec = JSON.parse(box.dataset.spec);
      const draw = KINDS[spec.kind];
      if (draw) draw(box, spec);
      else box.textContent = `unknown live figure: ${spec.kind}`;
    }
  });
})();
