// Small helpers to build the page: elements from data, never HTML from strings.

const SVG = 'http://www.w3.org/2000/svg';

function assign(el, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** An HTML element: h('p', {class: 'x'}, 'text', otherElement). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  assign(el, props);
  append(el, children);
  return el;
}

/** An SVG element, as h. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG, tag);
  assign(el, props);
  append(el, children);
  return el;
}

/** Replaces what an element holds; null and false children are left out. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Text from the contract, its `code` spans as code elements. */
export function prose(text) {
  return text.split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

/** A number with at most `digits` decimals, grouped; a dash for null. */
export function num(value, digits = 3) {
  if (value == null || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e7 || abs < 10 ** -digits)) return value.toExponential(2);
  return value.toLocaleString('en', { maximumFractionDigits: digits });
}

export function int(value) {
  return value == null ? '—' : Math.round(value).toLocaleString('en');
}

export function percent(fraction, digits = 1) {
  return fraction == null ? '—' : `${(fraction * 100).toFixed(digits)}%`;
}

export function bytes(count) {
  if (count == null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function seconds(value) {
  if (value == null) return '—';
  if (value < 90) return `${Math.round(value)} s`;
  if (value < 5400) return `${Math.round(value / 60)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

export function shortId(id) {
  return id ? id.slice(0, 8) : '—';
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** A state as a word and a symbol, so that it reads without colour. */
const STATE_SYMBOLS = {
  QUEUED: '◷',
  RUNNING: '▶',
  SUCCEEDED: '✓',
  FAILED: '✗',
  CANCELLED: '⊘',
};

export function stateBadge(state) {
  return h(
    'span',
    { class: `state state-${state.toLowerCase()}`, dataset: { state } },
    h('span', { 'aria-hidden': 'true' }, STATE_SYMBOLS[state] ?? '•'),
    ' ',
    state.toLowerCase(),
  );
}

export function isActive(state) {
  return state === 'QUEUED' || state === 'RUNNING';
}
