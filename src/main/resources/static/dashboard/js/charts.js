// Plots: training curves with uPlot (canvas, live), the rest as SVG drawn here. Every plot has a
// title, a legend that names its series, shapes or dashes beside colour, and its numbers shown.
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';
import { h, num, int, s } from './dom.js';

const COLOURS = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1'];
const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

/**
 * A line chart over epochs with uPlot. `series` is [{label}]; `update(x, ys)` redraws with new
 * data. The element says which series it draws (data-series) and how many points (data-points).
 */
export function lineChart({ id, title, yLabel, series, width = 440, height = 220 }) {
  const box = h('div', {
    class: 'chart',
    id,
    dataset: { series: series.map((x) => x.label).join('|'), points: '0' },
  });
  const empty = h('p', { class: 'muted chart-empty' }, 'No epochs yet.');
  const figure = h('figure', { class: 'plot' }, h('figcaption', {}, title), box, empty);
  let plot = null;
  const update = (xs, ys) => {
    const points = xs.length;
    box.dataset.points = String(points);
    empty.hidden = points > 0;
    if (points === 0) return;
    const data = [xs, ...ys];
    if (!plot) {
      plot = new uPlot(
        {
          width,
          height,
          scales: { x: { time: false } },
          axes: [{ label: 'epoch' }, { label: yLabel, size: 70 }],
          series: [
            { label: 'epoch' },
            ...series.map((x, i) => ({
              label: x.label,
              stroke: COLOURS[i % COLOURS.length],
              dash: DASHES[i % DASHES.length],
              width: 2,
              points: { show: points < 60 },
              spanGaps: true,
              value: (u, v) => num(v, 4),
            })),
          ],
        },
        data,
        box,
      );
    } else {
      plot.setData(data);
    }
  };
  return { element: figure, update };
}

function ticks(min, max, count = 5) {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

function logTicks(min, max) {
  const out = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= min && v <= max) out.push(v);
    }
  }
  return out;
}

function svgFrame(id, title, description, width, height) {
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  return s(
    'svg',
    {
      id,
      class: 'svg-plot',
      role: 'img',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      'aria-labelledby': `${titleId} ${descId}`,
    },
    s('title', { id: titleId }, title),
    s('desc', { id: descId }, description),
  );
}

function axes(svg, box, xTicks, yTicks, xScale, yScale, xLabel, yLabel, format = num) {
  const g = s('g', { class: 'axes' });
  g.append(
    s('line', { x1: box.left, y1: box.bottom, x2: box.right, y2: box.bottom, class: 'axis' }),
    s('line', { x1: box.left, y1: box.top, x2: box.left, y2: box.bottom, class: 'axis' }),
  );
  for (const t of xTicks) {
    const x = xScale(t);
    g.append(
      s('line', { x1: x, y1: box.bottom, x2: x, y2: box.bottom + 4, class: 'axis' }),
      s('text', { x, y: box.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, format(t)),
    );
  }
  for (const t of yTicks) {
    const y = yScale(t);
    g.append(
      s('line', { x1: box.left, y1: y, x2: box.right, y2: y, class: 'grid' }),
      s('text', { x: box.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, format(t)),
    );
  }
  g.append(
    s(
      'text',
      {
        x: (box.left + box.right) / 2,
        y: box.bottom + 34,
        'text-anchor': 'middle',
        class: 'label',
      },
      xLabel,
    ),
    s(
      'text',
      {
        x: 14,
        y: (box.top + box.bottom) / 2,
        'text-anchor': 'middle',
        class: 'label',
        transform: `rotate(-90 14 ${(box.top + box.bottom) / 2})`,
      },
      yLabel,
    ),
  );
  svg.append(g);
}

const SHAPES = {
  circle: (x, y, r) => s('circle', { cx: x, cy: y, r }),
  ring: (x, y, r) => s('circle', { cx: x, cy: y, r, class: 'hollow' }),
  diamond: (x, y, r) =>
    s('path', {
      d: `M${x} ${y - r * 1.6}L${x + r * 1.6} ${y}L${x} ${y + r * 1.6}L${x - r * 1.6} ${y}Z`,
    }),
};

/**
 * A scatter plot in SVG: series of points ({x, y, label}) drawn as circles, rings or diamonds,
 * and horizontal lines ({y, label}). A log x axis when the values span more than 20 times.
 */
export function scatter({
  id,
  title,
  description,
  xLabel,
  yLabel,
  series,
  lines = [],
  width = 640,
  height = 320,
}) {
  const box = { left: 70, right: width - 170, top: 16, bottom: height - 46 };
  const all = series.flatMap((x) => x.points);
  const xs = all.map((p) => p.x);
  const ys = [...all.map((p) => p.y), ...lines.map((l) => l.y)];
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  const log = xMin > 0 && xMax / xMin > 20;
  let yMin = Math.min(...ys);
  let yMax = Math.max(...ys);
  const yPad = (yMax - yMin || Math.abs(yMax) || 1) * 0.08;
  yMin -= yPad;
  yMax += yPad;
  if (!log) {
    const pad = (xMax - xMin || xMax || 1) * 0.05;
    xMin = Math.max(0, xMin - pad);
    xMax += pad;
  } else {
    xMin /= 1.3;
    xMax *= 1.3;
  }
  const xScale = log
    ? (v) =>
        box.left +
        ((Math.log(v) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) *
          (box.right - box.left)
    : (v) => box.left + ((v - xMin) / (xMax - xMin)) * (box.right - box.left);
  const yScale = (v) => box.bottom - ((v - yMin) / (yMax - yMin)) * (box.bottom - box.top);
  const svg = svgFrame(id, title, description, width, height);
  axes(
    svg,
    box,
    log ? logTicks(xMin, xMax) : ticks(xMin, xMax),
    ticks(yMin, yMax),
    xScale,
    yScale,
    log ? `${xLabel} (log scale)` : xLabel,
    yLabel,
  );
  lines.forEach((line, i) => {
    const y = yScale(line.y);
    svg.append(
      s(
        'g',
        { class: 'line', dataset: { line: line.label } },
        s('line', { x1: box.left, y1: y, x2: box.right, y2: y, class: `rule rule-${i}` }),
        s(
          'text',
          { x: box.right - 4, y: y - 5, 'text-anchor': 'end', class: 'rule-label' },
          `${line.label} ${num(line.y, 4)}`,
        ),
      ),
    );
  });
  series.forEach((x, i) => {
    const g = s('g', {
      class: `series series-${i} shape-${x.shape}`,
      dataset: { series: x.name, count: String(x.points.length) },
    });
    for (const p of x.points) {
      const mark = SHAPES[x.shape](xScale(p.x), yScale(p.y), x.size ?? 4);
      mark.append(s('title', {}, p.label));
      g.append(mark);
    }
    svg.append(g);
  });
  // legend, right of the plot
  const legend = s('g', { class: 'legend' });
  series.forEach((x, i) => {
    const y = box.top + 10 + i * 20;
    const mark = SHAPES[x.shape](box.right + 16, y, 4);
    mark.setAttribute('class', `${mark.getAttribute('class') ?? ''} series-${i}`.trim());
    legend.append(
      mark,
      s('text', { x: box.right + 26, y: y + 4 }, `${x.name} (${x.points.length})`),
    );
  });
  svg.append(legend);
  return svg;
}

/**
 * A bar chart in SVG with each bar's value written on it; `groups` are [{name, values, style}]
 * drawn side by side per category (style 'solid' or 'hatched', so groups differ without colour).
 */
export function bars({
  id,
  title,
  description,
  categories,
  groups,
  xLabel,
  yLabel,
  width = 440,
  height = 220,
}) {
  const box = { left: 56, right: width - 10, top: 20, bottom: height - 48 };
  const max = Math.max(1, ...groups.flatMap((g) => g.values));
  const yTicks = ticks(0, max, 4);
  const top = Math.max(max, yTicks.at(-1));
  const yScale = (v) => box.bottom - (v / top) * (box.bottom - box.top);
  const slot = (box.right - box.left) / categories.length;
  const barWidth = Math.min(36, (slot * 0.8) / groups.length);
  const svg = svgFrame(id, title, description, width, height);
  svg.append(
    s(
      'defs',
      {},
      s(
        'pattern',
        {
          id: `${id}-hatch`,
          width: 6,
          height: 6,
          patternUnits: 'userSpaceOnUse',
          patternTransform: 'rotate(45)',
        },
        s('rect', { width: 6, height: 6, class: 'hatch-bg' }),
        s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }),
      ),
    ),
  );
  axes(svg, box, [], yTicks, () => 0, yScale, xLabel, yLabel, int);
  categories.forEach((c, i) => {
    svg.append(
      s(
        'text',
        {
          x: box.left + slot * (i + 0.5),
          y: box.bottom + 16,
          'text-anchor': 'middle',
          class: 'tick',
        },
        c,
      ),
    );
  });
  groups.forEach((g, gi) => {
    const layer = s('g', {
      class: `series series-${gi} bars-${g.style}`,
      dataset: { series: g.name, count: String(g.values.length) },
    });
    g.values.forEach((v, i) => {
      const x = box.left + slot * i + (slot - barWidth * groups.length) / 2 + gi * barWidth;
      const y = yScale(v);
      const rect = s('rect', {
        x,
        y,
        width: barWidth - 2,
        height: Math.max(0, box.bottom - y),
        style: g.style === 'hatched' ? `fill: url(#${id}-hatch)` : null,
      });
      rect.append(s('title', {}, `${g.name}, ${categories[i]}: ${int(v)}`));
      layer.append(
        rect,
        s(
          'text',
          { x: x + (barWidth - 2) / 2, y: y - 4, 'text-anchor': 'middle', class: 'bar-value' },
          int(v),
        ),
      );
    });
    svg.append(layer);
  });
  if (groups.length > 1) {
    const legend = s('g', { class: 'legend' });
    groups.forEach((g, gi) => {
      const x = box.left + gi * 120;
      legend.append(
        s('rect', {
          x,
          y: height - 14,
          width: 12,
          height: 10,
          class: `series-${gi}`,
          style: g.style === 'hatched' ? `fill: url(#${id}-hatch)` : null,
        }),
        s('text', { x: x + 16, y: height - 5 }, g.name),
      );
    });
    svg.append(legend);
  }
  return svg;
}

/**
 * The input features' inclusion probabilities as a picture (side × side pixels, row-major, as
 * image datasets store them): white is kept for sure, black dropped for sure; outlined where the
 * rule dropped the input, so that the kept region reads without the shades.
 */
export function pipMap({ id, pips, kept, side, scale = 8 }) {
  const canvas = h('canvas', {
    id,
    width: side * scale,
    height: side * scale,
    role: 'img',
    'aria-label': `Input inclusion probabilities as a ${side}×${side} picture: white kept, black dropped; ${kept.filter(Boolean).length} of ${pips.length} inputs kept`,
  });
  const ctx = canvas.getContext('2d');
  for (let i = 0; i < pips.length; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, pips[i])));
    ctx.fillStyle = `rgb(${v}, ${v}, ${v})`;
    const x = (i % side) * scale;
    const y = Math.floor(i / side) * scale;
    ctx.fillRect(x, y, scale, scale);
    if (!kept[i]) {
      ctx.strokeStyle = '#c53030';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x + 1, y + 1);
      ctx.lineTo(x + scale - 1, y + scale - 1);
      ctx.stroke();
    }
  }
  return canvas;
}

/** A gradient from black (0) to white (1), as the legend of pipMap. */
export function pipScale() {
  return h(
    'div',
    { class: 'pip-scale' },
    h('span', {}, '0'),
    h('span', { class: 'gradient', 'aria-hidden': 'true' }),
    h('span', {}, '1'),
    h('span', { class: 'muted' }, ' inclusion probability; a red stroke marks a dropped input'),
  );
}
