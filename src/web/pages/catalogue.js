import { api, ApiError } from '../api.js';
import { card, chart, field, fmt, h, table, tile } from '../ui.js';

export async function render(main, [itemId]) {
  if (itemId) return renderItem(main, itemId);
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const text = h('input', { name: 'q', value: q.get('q') ?? '', placeholder: 'id or title' });
  const category = h('input', { name: 'category', value: q.get('category') ?? '', placeholder: 'Home > Kitchen' });
  const results = h('div');
  const load = async (offset = 0) => {
    const page = await api.get('/v1/items', { q: text.value, category: category.value, limit: 50, offset });
    results.replaceChildren(
      h('p', { class: 'muted', 'data-testid': 'items-total' }, `${fmt(page.total)} items`),
      table([
        { key: 'id', label: 'id', render: (r) => h('a', { href: `#/catalogue/${encodeURIComponent(r.id)}` }, r.id) },
        { key: 'title', label: 'title' },
        { key: 'category', label: 'category' },
        { key: 'price', label: 'price', num: true, format: (v) => fmt(v, { money: true }) },
        { key: 'inStock', label: 'in stock', render: (r) => (r.inStock === false ? 'no' : r.inStock ? 'yes' : '–') },
      ], page.items, { testid: 'items' }),
      h('p', {}, offset > 0 ? h('button', { class: 'secondary', onclick: () => load(Math.max(0, offset - 50)) }, '← Previous') : null, ' ',
        offset + 50 < page.total ? h('button', { class: 'secondary', onclick: () => load(offset + 50) }, 'Next →') : null));
  };
  const form = h('form', { class: 'inline' }, field('Search', text), field('Category prefix', category), h('button', { class: 'primary', type: 'submit' }, 'Find'));
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  main.append(h('h1', {}, 'Catalogue'), h('p', { class: 'sub' }, 'Browse items; open one for its funnel, similar items, bought-together and reviews.'), card(null, form, results));
  await load();
}

async function optional(promise) {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 503)) return undefined;
    throw err;
  }
}

async function renderItem(main, id) {
  const item = await api.get(`/v1/items/${encodeURIComponent(id)}`);
  main.append(
    h('p', {}, h('a', { href: '#/catalogue' }, '← Catalogue')),
    h('h1', { 'data-testid': 'item-title' }, item.title),
    h('p', { class: 'sub' }, [item.category, item.price !== undefined ? fmt(item.price, { money: true }) + ' ' + (item.currency ?? '') : null, item.inStock === false ? 'out of stock' : null].filter(Boolean).join(' · ')),
    card('Details',
      item.description ? h('p', {}, item.description) : null,
      h('p', {}, (item.tags ?? []).map((t) => h('span', { class: 'pill' }, t))),
      item.attrs ? table([{ key: 'k', label: 'attribute' }, { key: 'v', label: 'value' }], Object.entries(item.attrs).map(([k, v]) => ({ k, v }))) : null));
  const sections = h('div', { class: 'grid g2' });
  main.append(sections);
  const enc = encodeURIComponent(id);
  const [stats, similar, together, reviews] = await Promise.all([
    optional(api.get(`/v1/analytics/items/${enc}/stats`)),
    optional(api.get(`/v1/items/${enc}/similar`, { k: 8 })),
    optional(api.get(`/v1/items/${enc}/bought-together`, { k: 8 })),
    optional(api.get('/v1/analytics/reviews', { itemId: id })),
  ]);
  const recList = (r, testid) => r?.items?.length
    ? table([
      { key: 'title', label: 'item', render: (x) => h('a', { href: `#/catalogue/${encodeURIComponent(x.id)}` }, x.title ?? x.id) },
      { key: 'price', label: 'price', num: true, format: (v) => fmt(v, { money: true }) },
      { key: 'score', label: 'score', num: true, format: (v) => fmt(v, { digits: 3 }) },
      { key: 'why', label: 'why', render: (x) => x.explanation?.text ?? '' },
    ], r.items, { testid })
    : h('p', { class: 'empty' }, 'Nothing yet for this item.');
  if (stats) {
    sections.append(card('Views → carts → purchases', h('div', { class: 'tiles' },
      tile('Views', fmt(stats.views), null, { testid: 'item-views' }),
      tile('Add to carts', fmt(stats.addToCarts), null, { testid: 'item-carts' }),
      tile('Purchases', fmt(stats.purchases), null, { testid: 'item-purchases' }),
      tile('View → purchase', fmt(stats.viewToPurchase, { pct: true })),
      tile('Revenue', fmt(stats.revenue, { money: true }))),
      h('p', { class: 'muted' }, `${fmt(stats.viewers)} distinct viewers, ${fmt(stats.buyers)} buyers.`)));
  }
  sections.append(card('Similar items', recList(similar, 'similar')), card('Frequently bought together', recList(together, 'bought-together')));
  const o = reviews?.overall;
  sections.append(card('Reviews', o && o.reviews > 0
    ? h('div', {},
      h('p', {}, `${fmt(o.reviews)} reviews · average rating ${fmt(o.avgRating, { digits: 2 })} · sentiment ${fmt(o.sentiment.mean, { digits: 3 })} (${o.sentiment.positive} positive, ${o.sentiment.negative} negative)`),
      chart('bar', ['1', '2', '3', '4', '5'], [{ label: 'reviews', data: ['1', '2', '3', '4', '5'].map((k) => o.distribution[k] ?? 0) }]))
    : h('p', { class: 'empty' }, 'No reviews yet.')));
}
