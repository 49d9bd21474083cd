import { api } from '../api.js';
import { card, chart, fmt, h, table } from '../ui.js';

export async function render(main, [segmentId]) {
  if (segmentId) return renderSegmentUsers(main, segmentId);
  const [rfm, clusters] = await Promise.all([api.get('/v1/analytics/segments'), api.get('/v1/analytics/clusters', { kMax: 6 })]);
  main.append(
    h('h1', {}, 'Segments'),
    h('p', { class: 'sub' }, `${fmt(rfm.buyers)} buyers scored by recency, frequency and monetary value (quintiles); ${fmt(rfm.nonBuyers)} shoppers have not bought yet.`),
    h('div', { class: 'grid g2' },
      card('RFM segments', table([
        { key: 'name', label: 'segment', render: (r) => h('a', { href: `#/segments/${r.segment}` }, r.name) },
        { key: 'users', label: 'users', num: true },
        { key: 'userShare', label: 'share', num: true, format: (v) => fmt(v, { pct: true }) },
        { key: 'revenue', label: 'revenue', num: true, format: (v) => fmt(v, { money: true }) },
        { key: 'revenueShare', label: 'revenue share', num: true, format: (v) => fmt(v, { pct: true }) },
        { key: 'avgRecencyDays', label: 'recency (d)', num: true, format: (v) => fmt(v, { digits: 1 }) },
        { key: 'avgFrequency', label: 'orders', num: true, format: (v) => fmt(v, { digits: 2 }) },
        { key: 'avgMonetary', label: 'spend', num: true, format: (v) => fmt(v, { money: true }) },
      ], rfm.segments, { testid: 'rfm-segments' })),
      card('Users and revenue by segment', chart('bar', rfm.segments.map((s) => s.name), [
        { label: 'share of buyers', data: rfm.segments.map((s) => s.userShare) },
        { label: 'share of revenue', data: rfm.segments.map((s) => s.revenueShare) },
      ], { scales: { y: { ticks: { callback: (v) => (v * 100).toFixed(0) + '%' } } } }))),
    card(`Behaviour clusters (k-means, k = ${clusters.k} chosen by silhouette)`,
      h('p', { class: 'muted' }, `Silhouette by k: ${clusters.scores.map((s) => `${s.k}: ${s.silhouette.toFixed(3)}`).join(' · ')}`),
      table([
        { key: 'id', label: '#', num: true },
        { key: 'description', label: 'who they are' },
        { key: 'size', label: 'users', num: true },
        { key: 'share', label: 'share', num: true, format: (v) => fmt(v, { pct: true }) },
        { key: 'revenueShare', label: 'revenue share', num: true, format: (v) => fmt(v, { pct: true }) },
      ], clusters.clusters, { testid: 'clusters' })));
}

async function renderSegmentUsers(main, segment) {
  const r = await api.get('/v1/analytics/segments/users', { segment, limit: 200 });
  main.append(
    h('p', {}, h('a', { href: '#/segments' }, '← Segments')),
    h('h1', {}, `Segment: ${segment}`),
    h('p', { class: 'sub' }, 'Use it as a filter: funnels and retention take segment=', h('code', {}, segment), '.'),
    card(null, table([
      { key: 'userId', label: 'user', render: (u) => h('a', { href: `#/users/${encodeURIComponent(u.userId)}` }, u.userId) },
      { key: 'recencyDays', label: 'recency (d)', num: true, format: (v) => fmt(v, { digits: 1 }) },
      { key: 'frequency', label: 'orders', num: true },
      { key: 'monetary', label: 'spend', num: true, format: (v) => fmt(v, { money: true }) },
      { key: 'r', label: 'R', num: true }, { key: 'f', label: 'F', num: true }, { key: 'm', label: 'M', num: true },
    ], r.users, { testid: 'segment-users' })));
}
