import { api } from '../api.js';
import { card, field, fmt, h, table, tile } from '../ui.js';

export async function render(main, [userId]) {
  const input = h('input', { name: 'userId', value: userId ?? '', placeholder: 'user id', size: 30 });
  const form = h('form', { class: 'inline' }, field('User', input), h('button', { class: 'primary', type: 'submit' }, 'Open'));
  form.addEventListener('submit', (e) => { e.preventDefault(); location.hash = `#/users/${encodeURIComponent(input.value.trim())}`; });
  main.append(h('h1', {}, 'Users'), card(null, form));
  if (!userId) {
    const top = await api.get('/v1/analytics/segments/users', { limit: 20 });
    main.append(card('Top customers by spend', table([
      { key: 'userId', label: 'user', render: (u) => h('a', { href: `#/users/${encodeURIComponent(u.userId)}` }, u.userId) },
      { key: 'segment', label: 'segment' },
      { key: 'frequency', label: 'orders', num: true },
      { key: 'monetary', label: 'spend', num: true, format: (v) => fmt(v, { money: true }) },
    ], top.users, { testid: 'top-users' })));
    return;
  }
  const [profile, timeline] = await Promise.all([api.get(`/v1/users/${encodeURIComponent(userId)}/profile`, { recent: 10 }), api.get(`/v1/users/${encodeURIComponent(userId)}/events`, { limit: 50 })]);
  const recsBox = h('div');
  let previous = null;
  const loadRecs = async () => {
    const r = await api.get('/v1/recommendations', { userId, k: 10 });
    const before = previous ? new Set(previous.items.map((i) => i.id)) : null;
    recsBox.replaceChildren(
      h('p', { class: 'muted' }, `Strategy ${r.strategy} · model ${r.model?.algo ?? '–'} · recId `, h('code', { 'data-testid': 'rec-id' }, r.recId)),
      table([
        { key: 'rank', label: '#', num: true },
        { key: 'title', label: 'item', render: (i) => h('a', { href: `#/catalogue/${encodeURIComponent(i.id)}` }, i.title ?? i.id) },
        { key: 'score', label: 'score', num: true, format: (v) => fmt(v, { digits: 3 }) },
        { key: 'why', label: 'why', render: (i) => i.explanation?.text ?? '' },
        { key: 'isNew', label: '', render: (i) => (i.isNew ? h('span', { class: 'pill' }, 'new') : '') },
      ], r.items.map((i, n) => ({ ...i, rank: n + 1, why: i.explanation?.text ?? '', isNew: before ? !before.has(i.id) : false })), { testid: 'user-recs' }));
    previous = r;
  };
  const itemInput = h('input', { name: 'itemId', placeholder: 'item id', size: 24 });
  const typeSelect = h('select', { name: 'type' }, ['view', 'add_to_cart', 'purchase'].map((t) => h('option', { value: t }, t)));
  const simulate = h('form', { class: 'inline' }, field('Event', typeSelect), field('Item', itemInput), h('button', { class: 'secondary', type: 'submit' }, 'Record and refresh'));
  simulate.addEventListener('submit', async (e) => {
    e.preventDefault();
    await api.post('/v1/events', [{ type: typeSelect.value, userId, itemId: itemInput.value.trim(), ts: Date.now() }]);
    await loadRecs();
  });
  const p = profile;
  main.append(
    h('h2', { 'data-testid': 'user-id' }, p.userId),
    h('div', { class: 'tiles' },
      tile('Segment', p.segmentName ?? p.segment, null, { testid: 'user-segment' }),
      tile('Lifetime value', fmt(p.lifetimeValue, { money: true }), null, { testid: 'user-ltv' }),
      tile('Orders', fmt(p.orders), null, { testid: 'user-orders' }),
      tile('Events', fmt(p.events), null, { testid: 'user-events' }),
      tile('Price band', p.priceBand ? `${p.priceBand.band} (${fmt(p.priceBand.medianPrice, { money: true })})` : '–'),
      tile('Last seen', p.lastSeen.slice(0, 10))),
    h('div', { class: 'grid g2' },
      card('Profile',
        p.rfm ? h('p', {}, `RFM ${p.rfm.r}-${p.rfm.f}-${p.rfm.m}: last order ${fmt(p.rfm.recencyDays, { digits: 1 })} days ago, ${p.rfm.frequency} orders, ${fmt(p.rfm.monetary, { money: true })}`) : h('p', { class: 'muted' }, 'No purchases yet.'),
        h('p', {}, 'Favourite categories: ', p.favouriteCategories.map((c) => h('span', { class: 'pill' }, c.category))),
        h('p', {}, 'Favourite brands: ', p.favouriteBrands.map((b) => h('span', { class: 'pill' }, b.brand))),
        p.attrs ? h('p', { class: 'muted' }, Object.entries(p.attrs).map(([k, v]) => `${k}: ${v}`).join(' · ')) : null,
        h('p', { class: 'muted' }, `First seen ${p.firstSeen.slice(0, 10)}; `, Object.entries(p.eventsByType).map(([k, v]) => `${k} ${v}`).join(', '))),
      card('Recommendations', recsBox, h('p', { class: 'muted' }, 'What changes after a new event (recorded for real, with the current time):'), simulate)),
    card('Timeline (latest 50 events)', table([
      { key: 'ts', label: 'when', format: (v) => new Date(v).toISOString().slice(0, 19).replace('T', ' ') },
      { key: 'type', label: 'event' },
      { key: 'itemId', label: 'item', render: (e) => (e.itemId ? h('a', { href: `#/catalogue/${encodeURIComponent(e.itemId)}` }, e.itemId) : e.query ? `“${e.query}”` : '–') },
      { key: 'revenue', label: 'revenue', num: true, format: (v) => (v === undefined ? '' : fmt(v, { money: true })) },
      { key: 'sessionId', label: 'session' },
    ], timeline.events, { testid: 'timeline' })));
  await loadRecs();
}
