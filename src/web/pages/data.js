import { api } from '../api.js';
import { card, chart, fmt, h, table, tile } from '../ui.js';

export async function render(main) {
  const [stats, rejections, keys] = await Promise.all([api.get('/v1/stats'), api.get('/v1/ingest/rejections', { limit: 50 }), api.get('/v1/keys')]);
  const types = Object.entries(stats.eventsByType).map(([type, events]) => ({ type, events, share: stats.events ? events / stats.events : 0 }));
  main.append(
    h('h1', {}, 'Data'),
    h('p', { class: 'sub' }, `Events from ${stats.firstEventAt ?? '–'} to ${stats.lastEventAt ?? '–'}`),
    h('div', { class: 'tiles' },
      tile('Events', fmt(stats.events), null, { testid: 'stat-events' }),
      tile('Users', fmt(stats.users), null, { testid: 'stat-users' }),
      tile('Items', fmt(stats.items), null, { testid: 'stat-items' }),
      tile('User profiles', fmt(stats.userProfiles), null, { testid: 'stat-profiles' }),
      tile('Rejected since start', fmt(rejections.totalSinceStart), null, { testid: 'stat-rejected' })),
    h('div', { class: 'grid g2' },
      card('Event volume by type', chart('bar', types.map((t) => t.type), [{ label: 'events', data: types.map((t) => t.events) }])),
      card('Events by type', table([
        { key: 'type', label: 'type' },
        { key: 'events', label: 'events', num: true },
        { key: 'share', label: 'share', num: true, format: (v) => fmt(v, { pct: true }) },
      ], types, { testid: 'events-by-type' }))),
    card('Recent invalid events', table([
      { key: 'at', label: 'when' },
      { key: 'source', label: 'source' },
      { key: 'index', label: 'index', num: true },
      { key: 'reason', label: 'reasons', render: (r) => r.issues.map((i) => `${i.path}: ${i.message}`).join('; ') },
      { key: 'preview', label: 'event', render: (r) => h('code', {}, r.preview) },
    ], rejections.recent, { testid: 'rejections', empty: 'No invalid events since the server started.' })),
    card('API keys',
      h('p', {}, 'Write key — may only send events and call storefront routes; safe to embed in your storefront: ', h('code', { 'data-testid': 'write-key' }, keys.writeKey)),
      h('p', {}, 'Admin key — everything; keep it secret: ', h('code', {}, keys.adminKeyPrefix + '…')),
      h('p', { class: 'muted' }, 'Set them with CARTWISE_WRITE_KEY / CARTWISE_ADMIN_KEY; otherwise they are generated and kept in <data dir>/keys.json.')),
    card('Import data', h('p', {}, 'Import real data with the CLI, e.g. ', h('code', {}, 'cartwise import online-retail online_retail.csv.gz'), ' (stop the server first: the embedded store is single-process), or send events to ', h('code', {}, 'POST /v1/events'), '. Imports print a summary with every rejected row.')),
  );
}
