import { api } from '../api.js';
import { card, chart, field, fill, fmt, h, table } from '../ui.js';

const BREAKDOWNS = [['', 'none'], ['category', 'category (step 1 item)'], ['user_attr', 'user attribute'], ['first_touch', 'first-touch source'], ['segment', 'RFM segment'], ['prop', 'event property'], ['item_attr', 'item attribute']];

export async function render(main) {
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const steps = h('input', { name: 'steps', value: q.get('steps') ?? 'view,add_to_cart,purchase', size: 46, title: 'comma-separated; a step may carry filters: view[category=Home]' });
  const windowI = h('input', { name: 'window', value: q.get('window') ?? '1d', size: 6 });
  const sameItem = h('input', { name: 'sameItem', type: 'checkbox' });
  const exclude = h('input', { name: 'exclude', value: '', size: 26, placeholder: 'e.g. remove_from_cart@2-3' });
  const breakdown = h('select', { name: 'breakdown' }, BREAKDOWNS.map(([v, l]) => h('option', { value: v }, l)));
  const breakdownKey = h('input', { name: 'breakdownKey', size: 10, placeholder: 'key (e.g. device)' });
  const segment = h('input', { name: 'segment', size: 12, placeholder: 'e.g. champions' });
  const since = h('input', { name: 'since', type: 'date' });
  const until = h('input', { name: 'until', type: 'date' });
  const out = h('div');
  const form = h('form', { class: 'inline', 'data-testid': 'funnel-form' },
    field('Steps', steps), field('Window', windowI), field('Same item', sameItem), field('Exclude', exclude),
    field('Breakdown', breakdown), field('Breakdown key', breakdownKey), field('Segment', segment), field('From', since), field('To', until),
    h('button', { class: 'primary', type: 'submit' }, 'Run funnel'));
  const params = () => ({
    steps: steps.value, window: windowI.value, sameItem: sameItem.checked ? 'true' : undefined, exclude: exclude.value || undefined,
    breakdown: breakdown.value || undefined, breakdownKey: breakdownKey.value || undefined, segment: segment.value || undefined,
    since: since.value || undefined, until: until.value || undefined,
  });
  const run = async () => {
    out.replaceChildren(h('p', { class: 'muted' }, 'Computing…'));
    const p = params();
    const f = await api.get('/v1/analytics/funnel', p);
    const rows = f.steps.map((s, i) => ({
      step: i + 1, name: s, users: f.users[i], fromPrev: i === 0 ? 1 : f.stepConversion[i - 1], fromStart: f.users[0] ? f.users[i] / f.users[0] : 0,
      dropped: i < f.dropOff.length ? f.dropOff[i] : null, median: i === 0 ? null : f.timing[i - 1]?.medianMs, p90: i === 0 ? null : f.timing[i - 1]?.p90Ms,
    }));
    const dur = (ms) => (ms === null || ms === undefined ? '–' : ms < 60_000 ? `${(ms / 1000).toFixed(0)} s` : ms < 3_600_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 3_600_000).toFixed(1)} h`);
    const dropStep = h('select', { name: 'afterStep' }, f.steps.slice(0, -1).map((s, i) => h('option', { value: i + 1 }, `after step ${i + 1} (${s})`)));
    const dropOut = h('div');
    const loadDrop = async () => {
      const d = await api.get('/v1/analytics/funnel/dropoffs', { ...p, afterStep: dropStep.value, limit: 20 });
      dropOut.replaceChildren(
        h('p', { class: 'muted', 'data-testid': 'dropoff-total' }, `${fmt(d.total)} users dropped off after step ${d.afterStep}`),
        h('div', { class: 'grid g2' },
          table([{ key: 'userId', label: 'user', render: (r) => h('a', { href: `#/users/${encodeURIComponent(r.userId)}` }, r.userId) }, { key: 'reachedAt', label: 'reached step', format: (v) => new Date(v).toISOString().slice(0, 16).replace('T', ' ') }], d.users, { testid: 'dropoff-users' }),
          table([{ key: 'path', label: 'what they did next', render: (r) => r.path.join(' → ') }, { key: 'users', label: 'users', num: true }], d.paths, { testid: 'dropoff-paths' })));
    };
    dropStep.addEventListener('change', loadDrop);
    fill(out,
      h('div', { class: 'tiles' },
        h('div', { class: 'tile', 'data-testid': 'funnel-overall' }, h('div', { class: 'label' }, 'Overall conversion'), h('div', { class: 'value', 'data-value': '' }, fmt(f.overallConversion, { pct: true, digits: 2 }))),
        h('div', { class: 'tile' }, h('div', { class: 'label' }, 'Entered'), h('div', { class: 'value' }, fmt(f.users[0]))),
        h('div', { class: 'tile' }, h('div', { class: 'label' }, 'Converted'), h('div', { class: 'value' }, fmt(f.users[f.users.length - 1])))),
      h('div', { class: 'grid g2' },
        card('Funnel', chart('bar', f.steps.map((s, i) => `${i + 1}. ${s}`), [{ label: 'users', data: f.users }], { indexAxis: 'y' })),
        card('Steps', table([
          { key: 'step', label: '#', num: true },
          { key: 'name', label: 'step' },
          { key: 'users', label: 'users', num: true },
          { key: 'fromPrev', label: 'from previous', num: true, format: (v) => fmt(v, { pct: true }) },
          { key: 'fromStart', label: 'from start', num: true, format: (v) => fmt(v, { pct: true }) },
          { key: 'dropped', label: 'dropped', num: true },
          { key: 'median', label: 'median time', num: true, format: dur },
          { key: 'p90', label: 'p90 time', num: true, format: dur },
        ], rows, { testid: 'funnel-steps' }))),
      f.breakdown ? card(`Breakdown by ${f.breakdown.by}${f.breakdown.key ? ' ' + f.breakdown.key : ''}`, table([
        { key: 'value', label: 'value' },
        ...f.steps.map((s, i) => ({ key: `s${i}`, label: s, num: true })),
        { key: 'overall', label: 'conversion', num: true, format: (v) => fmt(v, { pct: true }) },
      ], f.breakdown.groups.map((g) => ({ value: g.value, overall: g.overallConversion, ...Object.fromEntries(g.users.map((u, i) => [`s${i}`, u])) })), { testid: 'funnel-breakdown' })) : null,
      f.steps.length > 1 ? card('Who dropped off', field('Step', dropStep), dropOut) : null);
    if (f.steps.length > 1) await loadDrop();
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); run().catch((err) => out.replaceChildren(h('div', { class: 'error', role: 'alert' }, err.message))); });
  main.append(h('h1', {}, 'Funnels'), h('p', { class: 'sub' }, 'Every step-1 event starts an attempt; a shopper counts at the furthest step reached within the window of any attempt.'), card(null, form), out);
  await run();
}
