// Small DOM helpers shared by every page: element builder, number formats, tiles, sortable tables, charts.
/** Replaces an element's children, skipping null/undefined/false like h() does (replaceChildren would print "null"). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false).map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  return el;
}

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function fmt(n, { pct = false, money = false, digits } = {}) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  if (pct) return (n * 100).toFixed(digits ?? 1) + '%';
  if (money) return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: digits ?? (Math.abs(n) < 1 ? 4 : 2) });
}

/** A KPI tile; `delta` is a relative change (0.12 = +12%) shown green/red. */
export function tile(label, value, delta, { invert = false, testid } = {}) {
  let d = null;
  if (delta !== undefined && delta !== null && Number.isFinite(delta)) {
    const good = invert ? delta < 0 : delta > 0;
    d = h('span', { class: `delta ${delta === 0 ? '' : good ? 'up' : 'down'}` }, `${delta > 0 ? '▲' : delta < 0 ? '▼' : '■'} ${(Math.abs(delta) * 100).toFixed(1)}%`);
  }
  return h('div', { class: 'tile', 'data-testid': testid }, h('div', { class: 'label' }, label), h('div', { class: 'value', 'data-value': '' }, value), d);
}

/**
 * A sortable table: columns = [{ key, label, num?, format?(v,row), render?(row) }]. Click a header to sort.
 */
export function table(columns, rows, { testid, empty = 'No data.' } = {}) {
  let sortKey = null;
  let dir = -1;
  const tbody = h('tbody');
  const draw = () => {
    const sorted = sortKey === null ? rows : [...rows].sort((a, b) => {
      const x = a[sortKey], y = b[sortKey];
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
      return String(x ?? '').localeCompare(String(y ?? '')) * dir;
    });
    tbody.replaceChildren(...(sorted.length ? sorted.map((r) => h('tr', {}, columns.map((c) =>
      h('td', { class: c.num ? 'num' : '' }, c.render ? c.render(r) : c.format ? c.format(r[c.key], r) : c.num ? fmt(r[c.key]) : r[c.key] ?? '–')))) :
      [h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty))]));
  };
  const head = h('tr', {}, columns.map((c) => {
    const th = h('th', { class: `sortable ${c.num ? 'num' : ''}` }, c.label, h('span', { class: 'arrow' }));
    th.addEventListener('click', () => {
      dir = sortKey === c.key ? -dir : (c.num ? -1 : 1);
      sortKey = c.key;
      for (const other of head.querySelectorAll('.arrow')) other.textContent = '';
      th.querySelector('.arrow').textContent = dir > 0 ? '▲' : '▼';
      draw();
    });
    return th;
  }));
  draw();
  return h('table', { 'data-testid': testid }, h('thead', {}, head), tbody);
}

const PALETTE = ['#3656d6', '#12a594', '#e5484d', '#f5a524', '#8e4ec6', '#0091ff', '#30a46c', '#d6409f'];

/** A Chart.js chart in a fixed-height box. */
export function chart(type, labels, datasets, options = {}) {
  const canvas = h('canvas');
  const box = h('div', { class: 'chart-box' }, canvas);
  queueMicrotask(() => {
    // eslint-disable-next-line no-undef
    new Chart(canvas, {
      type,
      data: { labels, datasets: datasets.map((d, i) => ({ borderColor: PALETTE[i % PALETTE.length], backgroundColor: type === 'line' ? PALETTE[i % PALETTE.length] + '22' : PALETTE[i % PALETTE.length], borderWidth: type === 'line' ? 2 : 0, pointRadius: 0, tension: 0.25, fill: type === 'line' && datasets.length === 1, ...d })) },
      options: { responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: 'index', intersect: false }, plugins: { legend: { display: datasets.length > 1 } }, ...options },
    });
  });
  return box;
}

export function card(title, ...children) {
  return h('div', { class: 'card' }, title ? h('h2', {}, title) : null, ...children);
}

export function errorBox(err) {
  return h('div', { class: 'error', role: 'alert' }, err?.message ?? String(err));
}

export function field(label, input) {
  return h('label', { class: 'f' }, label, input);
}
