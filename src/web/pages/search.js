import { api } from '../api.js';
import { card, errorBox, field, fill, fmt, h, table } from '../ui.js';

/** Search analytics (GET /v1/search/queries): top queries and those that found nothing, each fixable with a rule. */
async function queriesCard(addRule) {
  const r = await api.get('/v1/search/queries', { days: 30, limit: 15 });
  const pct = (v) => fmt(v, { pct: true });
  const columns = [
    { key: 'query', label: 'query' },
    { key: 'searches', label: 'searches', num: true },
    { key: 'users', label: 'users', num: true },
    { key: 'clickThrough', label: 'click-through', num: true, format: pct },
    { key: 'noMatch', label: 'found nothing', num: true },
  ];
  const fix = { key: 'fix', label: '', render: (q) => h('button', { class: 'secondary', type: 'button', onclick: () => addRule(q.query) }, 'Add synonym…') };
  return card('Queries, last 30 days',
    h('p', { class: 'muted', 'data-testid': 'query-summary' }, `${fmt(r.searches)} searches · ${fmt(r.queries)} distinct queries · click-through ${pct(r.clickThrough)} · found nothing ${pct(r.noMatchRate)}`),
    h('div', { class: 'grid', style: 'grid-template-columns: 1fr 1fr' },
      h('div', {}, h('h3', {}, 'Top queries'), table(columns, r.top, { testid: 'top-queries', empty: 'No searches recorded yet.' })),
      h('div', {}, h('h3', {}, 'Found nothing'), table([...columns, fix], r.noMatch, { testid: 'no-match-queries', empty: 'Every search found something.' }))));
}

/** The store's synonym rules (PUT /v1/search/synonyms), one per line in `text`, and those learned from clicks. */
async function synonymsCard(text) {
  const current = await api.get('/v1/search/synonyms');
  text.value = current.rules.join('\n');
  const status = h('span', { class: 'muted', 'data-testid': 'synonym-status', role: 'status' });
  const save = h('button', { class: 'primary', type: 'button' }, 'Save synonyms');
  save.addEventListener('click', async () => {
    const rules = text.value.split('\n').map((l) => l.trim()).filter(Boolean);
    try {
      const r = await api.put('/v1/search/synonyms', { rules });
      status.replaceChildren(`Saved ${fmt(r.rules)} rule(s) covering ${fmt(r.words)} word(s).`);
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  });
  const learned = current.learned.length
    ? h('p', { class: 'muted' }, 'Learned from clicks: ', current.learned.slice(0, 20).map((l) => h('span', { class: 'pill' }, `${l.word} → ${l.synonyms.join(', ')}`)))
    : h('p', { class: 'muted' }, 'No synonyms learned from clicks yet.');
  return card('Synonyms', h('p', { class: 'muted' }, 'One rule per line: "a, b" (equivalent) or "a => b" (one way). Saved rules apply to the next search.'), text, h('div', {}, save, ' ', status), learned);
}

export async function render(main) {
  const q = h('input', { name: 'q', placeholder: 'try: blue mug under 20', size: 40, autocomplete: 'off' });
  const userId = h('input', { name: 'userId', placeholder: 'personalise for user (optional)', size: 22 });
  const sort = h('select', { name: 'sort' }, ['relevance', 'price_asc', 'price_desc', 'popularity', 'newest'].map((s) => h('option', { value: s }, s)));
  const suggest = h('div', { class: 'muted', 'data-testid': 'suggestions' });
  const out = h('div');
  const form = h('form', { class: 'inline' }, field('Query', q), field('User', userId), field('Sort', sort), h('button', { class: 'primary', type: 'submit' }, 'Search'));
  q.addEventListener('input', async () => {
    if (q.value.trim().length < 2) return suggest.replaceChildren();
    try {
      const a = await api.get('/v1/autocomplete', { q: q.value, limit: 5 });
      suggest.replaceChildren('Suggestions: ', ...[...(a.queries ?? []), ...(a.words ?? [])].slice(0, 8).map((s) => h('a', { href: '#', class: 'pill', onclick: (e) => { e.preventDefault(); q.value = s; form.requestSubmit(); } }, s)));
    } catch { suggest.replaceChildren(); }
  });
  const run = async () => {
    const r = await api.get('/v1/search', { q: q.value, userId: userId.value, sort: sort.value === 'relevance' ? undefined : sort.value, pageSize: 20 });
    const facets = r.facets ? [
      ['Category', r.facets.category], ['Brand', r.facets.brand], ['In stock', r.facets.inStock],
      ['Price', r.facets.price.map((b) => ({ value: `${b.from ?? 0}–${b.to ?? '∞'}`, count: b.count }))],
    ] : [];
    fill(out,
      h('p', { class: 'muted', 'data-testid': 'search-summary' }, `${fmt(r.total)} results in ${r.tookMs.toFixed(1)} ms · searchId `, h('code', {}, r.searchId),
        r.didYouMean ? h('span', {}, ' · did you mean ', h('b', {}, r.didYouMean), '?') : null,
        r.recovery ? ` · recovery: ${r.recovery}` : null),
      r.understood.length ? h('p', {}, 'Understood: ', r.understood.map((u) => h('span', { class: 'pill' }, u))) : null,
      r.categoryIntent.length ? h('p', { class: 'muted' }, 'Category intent: ', r.categoryIntent.slice(0, 3).map((c) => `${c.value} (${(c.count * 100).toFixed(0)}%)`).join(', ')) : null,
      h('div', { class: 'grid', style: 'grid-template-columns: 260px 1fr' },
        card('Facets', ...facets.map(([name, values]) => h('div', {}, h('b', {}, name), h('ul', {}, (values ?? []).slice(0, 8).map((v) => h('li', {}, `${v.value} (${v.count})`)))))),
        card('Results', table([
          { key: 'title', label: 'item', render: (hit) => { const span = h('span'); span.innerHTML = hit.highlights?.title ?? hit.title.replace(/</g, '&lt;'); return h('a', { href: `#/catalogue/${encodeURIComponent(hit.id)}` }, span); } },
          { key: 'category', label: 'category' },
          { key: 'price', label: 'price', num: true, format: (v) => fmt(v, { money: true }) },
          { key: 'score', label: 'score', num: true, format: (v) => fmt(v, { digits: 3 }) },
        ], r.hits, { testid: 'search-hits', empty: 'No results.' }))));
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); run().catch((err) => out.replaceChildren(h('div', { class: 'error', role: 'alert' }, err.message))); });
  const rules = h('textarea', { rows: 6, cols: 60, 'data-testid': 'synonym-rules', placeholder: 'couch, sofa\nfridge => refrigerator' });
  // A query that found nothing becomes the start of a one-way rule for the admin to finish.
  const addRule = (query) => {
    rules.value = `${rules.value.trim() ? `${rules.value.trim()}\n` : ''}${query} => `;
    rules.focus();
    rules.scrollIntoView({ block: 'center' });
  };
  main.append(h('h1', {}, 'Search playground'), h('p', { class: 'sub' }, 'The same search your storefront calls (GET /v1/search with the write key): typo tolerance, units, price constraints, facets, personalisation.'), card(null, form, suggest), out, await queriesCard(addRule), await synonymsCard(rules));
}
