import { api } from '../api.js';
import { card, fmt, h, table } from '../ui.js';

export async function render(main) {
  const data = await api.get('/v1/models');
  const s = data.served;
  const jobsBox = h('div');
  const drawJobs = (jobs) => jobsBox.replaceChildren(jobs.length ? table([
    { key: 'id', label: 'job' },
    { key: 'status', label: 'status' },
    { key: 'phase', label: 'phase' },
    { key: 'progress', label: 'progress', render: (j) => (j.total ? `${j.done}/${j.total}` : '–') },
    { key: 'algo', label: 'request', render: (j) => `${j.request?.algo ?? ''}${j.request?.budgetMs ? ` (budget ${(j.request.budgetMs / 60000).toFixed(1)} min)` : ''}` },
    { key: 'startedAt', label: 'started' },
    { key: 'best', label: 'best so far', render: (j) => { const c = (j.candidates ?? []).filter((x) => x.status === 'ok').sort((a, b) => b.score - a.score)[0]; return c ? `${c.algo} ${fmt(c.score, { digits: 4 })}` : '–'; } },
  ], jobs, { testid: 'jobs' }) : h('p', { class: 'empty' }, 'No training jobs since the server started.'));
  drawJobs(data.jobs);
  const status = h('span', { class: 'muted', 'data-testid': 'train-status' });
  const budget = h('select', { name: 'budget' }, ['1m', '3m', '10m'].map((b) => h('option', { value: b }, b)));
  const retrain = h('button', { class: 'primary', 'data-testid': 'retrain' }, 'Retrain (model selection)');
  retrain.addEventListener('click', async () => {
    try {
      const job = await api.post('/v1/models/train', { algo: 'auto', budget: budget.value });
      status.textContent = `Started ${job.id}`;
      const poll = async () => {
        const j = await api.get(`/v1/models/jobs/${job.id}`);
        const all = await api.get('/v1/models');
        drawJobs(all.jobs);
        status.textContent = `${j.id}: ${j.status} (${j.phase})`;
        if (j.status === 'running' || j.status === 'queued') setTimeout(poll, 1500);
      };
      setTimeout(poll, 1000);
    } catch (err) {
      status.textContent = err.message;
    }
  });
  const lb = data.leaderboard;
  main.append(
    h('h1', {}, 'Models'),
    card('Served model', s ? table([{ key: 'k', label: '' }, { key: 'v', label: '' }], [
      ['id', s.id], ['algorithm', s.algo], ['parameters', JSON.stringify(s.params)], ['source', s.source], ['trained', s.trainedAt],
      ['users × items', `${fmt(s.users)} × ${fmt(s.items)}`], ['interactions', fmt(s.interactions)],
      ['validation', s.validation ? `${s.validation.metric} ${fmt(s.validation.value, { digits: 4 })}` : '–'],
    ].map(([k, v]) => ({ k, v })), { testid: 'served-model' }) : h('p', { class: 'empty' }, 'No model yet.')),
    card('Training', h('p', {}, 'Budget ', budget, ' ', retrain, ' ', status), jobsBox),
    card(`Leaderboard${lb ? ` (${lb.metric}, validation split)` : ''}`, lb ? table([
      { key: 'rank', label: '#', num: true },
      { key: 'algo', label: 'algorithm' },
      { key: 'params', label: 'parameters', render: (e) => h('code', {}, JSON.stringify(e.params)) },
      { key: 'status', label: 'status' },
      { key: 'score', label: lb.metric, num: true, format: (v) => fmt(v, { digits: 4 }) },
      { key: 'fitS', label: 'fit (s)', num: true, format: (v) => fmt(v, { digits: 2 }) },
    ], [...lb.entries].sort((a, b) => (b.score ?? -1) - (a.score ?? -1)).map((e, i) => ({ ...e, rank: i + 1 })), { testid: 'leaderboard' }) : h('p', { class: 'empty' }, 'No model selection has run yet: press Retrain.')),
    card('Algorithms', table([{ key: 'name', label: 'name' }, { key: 'description', label: 'description' }, { key: 'defaults', label: 'defaults', render: (a) => h('code', {}, JSON.stringify(a.defaults)) }], data.algorithms, { testid: 'algorithms' })));
}
