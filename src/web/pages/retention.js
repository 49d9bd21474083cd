import { api } from '../api.js';
import { card, chart, field, fmt, h, table } from '../ui.js';

export async function render(main) {
  const period = h('select', { name: 'period' }, ['week', 'day', 'month'].map((v) => h('option', { value: v }, v)));
  const periods = h('input', { name: 'periods', type: 'number', value: 8, min: 1, max: 52, style: 'width:70px' });
  const mode = h('select', { name: 'mode' }, [['bounded', 'bounded (exactly period N)'], ['unbounded', 'unbounded (N or later)']].map(([v, l]) => h('option', { value: v }, l)));
  const show = h('select', { name: 'show' }, [['rate', 'retention rate'], ['revenue', 'revenue per user (LTV)']].map(([v, l]) => h('option', { value: v }, l)));
  const cohortType = h('input', { name: 'cohortType', placeholder: 'any event', size: 14 });
  const returnType = h('input', { name: 'returnType', placeholder: 'any event', size: 14 });
  const out = h('div');
  const form = h('form', { class: 'inline' }, field('Period', period), field('Periods', periods), field('Mode', mode), field('Show', show), field('Cohort event', cohortType), field('Return event', returnType), h('button', { class: 'primary', type: 'submit' }, 'Apply'));
  const run = async () => {
    const r = await api.get('/v1/analytics/retention', { period: period.value, periods: periods.value, mode: mode.value, cohortType: cohortType.value, returnType: returnType.value });
    const cohorts = Object.values(r.cohorts);
    const revenue = show.value === 'revenue';
    const maxRev = Math.max(1, ...cohorts.flatMap((c) => c.revenuePerUser.filter((v) => v !== null)));
    const cell = (v) => {
      if (v === null || v === undefined) return h('td', { class: 'muted' }, '');
      const x = revenue ? v / maxRev : v;
      const bg = `rgba(54, 86, 214, ${Math.min(0.9, 0.08 + x * (revenue ? 0.85 : 1.6))})`;
      return h('td', { style: `background:${bg};color:${x > 0.45 ? '#fff' : 'inherit'}` }, revenue ? fmt(v, { money: true }) : fmt(v, { pct: true }));
    };
    const heat = h('table', { class: 'heat', 'data-testid': 'retention-heatmap' },
      h('thead', {}, h('tr', {}, h('th', {}, 'cohort'), h('th', { class: 'num' }, 'users'), Array.from({ length: r.periods + 1 }, (_, n) => h('th', {}, `${r.period} ${n}`)))),
      h('tbody', {}, cohorts.map((c) => h('tr', {}, h('td', { style: 'text-align:left' }, c.start), h('td', { class: 'num' }, fmt(c.size)), (revenue ? c.revenuePerUser : c.retention).map(cell)))));
    const labels = Array.from({ length: r.periods + 1 }, (_, n) => `${r.period} ${n}`);
    const recent = cohorts.slice(-6);
    out.replaceChildren(
      card(revenue ? 'Cumulative revenue per cohort user' : `Retention (${r.mode})`, h('div', { style: 'overflow:auto' }, heat)),
      h('div', { class: 'grid g2' },
        card('Average retention curve', chart('line', labels, [{ label: 'retained', data: r.average.retention }], { scales: { y: { ticks: { callback: (v) => (v * 100).toFixed(0) + '%' } } } })),
        card('LTV curves (recent cohorts)', chart('line', labels, recent.map((c) => ({ label: c.start, data: c.revenuePerUser, fill: false }))))),
      card('Average', table([{ key: 'n', label: 'period', num: true }, { key: 'users', label: 'observable users', num: true }, { key: 'retention', label: 'retention', num: true, format: (v) => fmt(v, { pct: true }) }],
        r.average.retention.map((v, n) => ({ n, users: r.average.users[n], retention: v })), { testid: 'retention-average' })));
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); run().catch((err) => out.replaceChildren(h('div', { class: 'error', role: 'alert' }, err.message))); });
  show.addEventListener('change', () => run());
  main.append(h('h1', {}, 'Retention'), h('p', { class: 'sub' }, 'Cohorts by the period of their first event; who comes back, and what they are worth over time.'), card(null, form), out);
  await run();
}
