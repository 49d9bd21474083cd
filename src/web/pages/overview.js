import { api } from '../api.js';
import { card, chart, field, fmt, h, table, tile } from '../ui.js';

const METRICS = [
  ['users', 'Users', {}],
  ['sessions', 'Sessions', {}],
  ['conversionRate', 'Conversion rate', { pct: true }],
  ['revenue', 'Revenue', { money: true }],
  ['orders', 'Orders', {}],
  ['averageOrderValue', 'Avg order value', { money: true }],
  ['cartAbandonmentRate', 'Cart abandonment', { pct: true, invert: true }],
];

export async function render(main) {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const interval = h('select', { name: 'interval' }, ['day', 'week'].map((v) => h('option', { value: v, selected: params.get('interval') === v }, v)));
  const since = h('input', { name: 'since', type: 'date', value: params.get('since') ?? '' });
  const until = h('input', { name: 'until', type: 'date', value: params.get('until') ?? '' });
  const body = h('div');
  const form = h('form', { class: 'inline' }, field('Interval', interval), field('From', since), field('To (exclusive)', until), h('button', { class: 'primary', type: 'submit' }, 'Apply'));
  const load = async () => {
    const k = await api.get('/v1/analytics/kpis', { interval: interval.value, since: since.value, until: until.value, top: 10 });
    const labels = k.series.map((s) => s.start.slice(0, 10));
    body.replaceChildren(
      h('p', { class: 'sub' }, `${k.range.since.slice(0, 10)} → ${k.range.until.slice(0, 10)}, compared with ${k.previousRange.since.slice(0, 10)} → ${k.previousRange.until.slice(0, 10)}`),
      h('div', { class: 'tiles' }, METRICS.map(([key, label, o]) => tile(label, fmt(k.current[key], o), k.change[key], { invert: o.invert, testid: `kpi-${key}` }))),
      h('div', { class: 'grid g2' },
        card('Users and sessions', chart('line', labels, [{ label: 'users', data: k.series.map((s) => s.users) }, { label: 'sessions', data: k.series.map((s) => s.sessions) }])),
        card('Revenue', chart('bar', labels, [{ label: 'revenue', data: k.series.map((s) => s.revenue) }])),
        card('Conversion rate', chart('line', labels, [{ label: 'sessions with a purchase', data: k.series.map((s) => s.conversionRate) }], { scales: { y: { ticks: { callback: (v) => (v * 100).toFixed(1) + '%' } } } })),
        card('Average order value and cart abandonment', chart('line', labels, [
          { label: 'AOV', data: k.series.map((s) => s.averageOrderValue), yAxisID: 'y' },
          { label: 'cart abandonment', data: k.series.map((s) => s.cartAbandonmentRate), yAxisID: 'y1' },
        ], { scales: { y: { position: 'left' }, y1: { position: 'right', grid: { drawOnChartArea: false }, ticks: { callback: (v) => (v * 100).toFixed(0) + '%' } } } }))),
      card('Top items', topTable(k.topItems, (r) => h('a', { href: `#/catalogue/${encodeURIComponent(r.key)}` }, r.title ?? r.key), 'top-items')),
      card('Top categories', topTable(k.topCategories, (r) => r.key, 'top-categories')));
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  main.append(h('h1', {}, 'Overview'), form, body);
  await load();
}

function change(r, key) {
  const prev = r.previous?.[key];
  if (!prev) return null;
  return (r[key] - prev) / prev;
}

function topTable(rows, name, testid) {
  const data = rows.map((r) => ({ ...r, viewsChange: change(r, 'views'), purchasesChange: change(r, 'purchases') }));
  const delta = (v) => (v === null || v === undefined ? '–' : h('span', { class: `delta ${v > 0 ? 'up' : v < 0 ? 'down' : ''}` }, `${v > 0 ? '+' : ''}${(v * 100).toFixed(0)}%`));
  return table([
    { key: 'key', label: 'name', render: name },
    { key: 'views', label: 'views', num: true },
    { key: 'viewsChange', label: 'Δ', num: true, format: delta },
    { key: 'addToCarts', label: 'carts', num: true },
    { key: 'purchases', label: 'purchases', num: true },
    { key: 'purchasesChange', label: 'Δ', num: true, format: delta },
    { key: 'viewToPurchase', label: 'view→buy', num: true, format: (v) => fmt(v, { pct: true }) },
    { key: 'revenue', label: 'revenue', num: true, format: (v) => fmt(v, { money: true }) },
  ], data, { testid });
}
