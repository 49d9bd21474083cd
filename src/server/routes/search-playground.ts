/**
 * The search playground page (`GET /search/playground`): type a query and see what the storefront would get —
 * hits with highlights, facets you can click to filter, did-you-mean, what was understood, timings. Self-contained
 * HTML + JS (no build, no CDN); it calls `GET /v1/search` and `GET /v1/autocomplete` with the key the user enters.
 */
export const SEARCH_PLAYGROUND_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cartwise · search playground</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:12px;align-items:center}
header input{flex:0 0 260px;padding:6px;border-radius:4px;border:0}
main{display:grid;grid-template-columns:240px 1fr;gap:20px;padding:20px;max-width:1200px;margin:auto}
#q{width:100%;font-size:18px;padding:10px;border:1px solid #c6cbd3;border-radius:6px;box-sizing:border-box}
#suggest{background:#fff;border:1px solid #c6cbd3;border-top:0;display:none}
#suggest div{padding:4px 10px;cursor:pointer}#suggest div:hover{background:#eef}
.hit{background:#fff;border-radius:6px;padding:10px 14px;margin:8px 0;box-shadow:0 1px 2px #0001}
.hit em{background:#ffe58a;font-style:normal}.meta{color:#687083;font-size:12px}
.facet h4{margin:14px 0 4px}.facet label{display:block;cursor:pointer}
.note{color:#687083;margin:6px 0}.dym a{cursor:pointer;color:#1849a9}
select,button{padding:6px}
</style></head><body>
<header><strong>Cartwise search playground</strong>
<input id="key" type="password" placeholder="write or admin key"><span class="meta" id="status"></span></header>
<main><aside id="facets"></aside><section>
<input id="q" placeholder="Search the catalogue… (try a typo, 'under 50', '96 in')" autocomplete="off" autofocus>
<div id="suggest"></div>
<div class="note"><label><input type="checkbox" id="prefix" checked> search as you type</label>
sort <select id="sort"><option>relevance</option><option>price_asc</option><option>price_desc</option><option>newest</option><option>popularity</option></select>
<span id="info"></span></div>
<div class="dym" id="dym"></div><div id="hits"></div>
<div><button id="prev">‹ prev</button> <span id="page"></span> <button id="next">next ›</button></div>
</section></main>
<script>
const $ = (id) => document.getElementById(id);
$('key').value = localStorage.getItem('cartwise.key') || '';
$('key').onchange = () => { localStorage.setItem('cartwise.key', $('key').value); run(); };
let filters = {}; let page = 1; let timer;
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const filterString = () => Object.entries(filters).filter(([, v]) => v.size).map(([k, v]) => k + ':' + [...v].join('|')).join(';');
async function api(path) {
  const r = await fetch(path, { headers: { authorization: 'Bearer ' + $('key').value } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.message : r.status);
  return body;
}
async function run() {
  const q = $('q').value;
  if (!q.trim() && !filterString()) { $('hits').innerHTML = ''; $('facets').innerHTML = ''; return; }
  const params = new URLSearchParams({ q, page: String(page), pageSize: '10', sort: $('sort').value, prefix: String($('prefix').checked) });
  if (filterString()) params.set('filters', filterString());
  try {
    const r = await api('/v1/search?' + params);
    $('status').textContent = '';
    $('info').textContent = r.total + ' results · ' + r.tookMs + ' ms · searchId ' + r.searchId + (r.understood.length ? ' · understood: ' + r.understood.join(', ') : '') + (r.recovery ? ' · recovery: ' + r.recovery : '');
    $('dym').innerHTML = r.didYouMean ? 'Did you mean <a id="dymlink">' + esc(r.didYouMean) + '</a>?' : '';
    if (r.didYouMean) $('dymlink').onclick = () => { $('q').value = r.didYouMean; page = 1; run(); };
    $('hits').innerHTML = r.hits.map((h) => '<div class="hit"><div>' + (h.highlights ? h.highlights.title : esc(h.title)) + '</div><div class="meta">' + esc(h.id) + (h.brand ? ' · ' + esc(h.brand) : '') + (h.category ? ' · ' + esc(h.category) : '') + (h.price !== undefined ? ' · ' + h.price : '') + (h.inStock === false ? ' · out of stock' : '') + ' · score ' + h.score + '</div>' + (h.highlights && h.highlights.description ? '<div class="meta">' + h.highlights.description + '</div>' : '') + '</div>').join('');
    $('page').textContent = 'page ' + r.page + ' of ' + Math.max(1, Math.ceil(r.total / r.pageSize));
    renderFacets(r.facets || {});
  } catch (e) { $('status').textContent = e.message; }
}
function renderFacets(f) {
  const groups = [['category', f.category || []], ['brand', f.brand || []], ...Object.entries(f.attrs || {})];
  $('facets').innerHTML = groups.filter(([, v]) => v.length).map(([k, vals]) => '<div class="facet"><h4>' + esc(k) + '</h4>' + vals.map((v) => '<label><input type="checkbox" data-k="' + esc(k) + '" data-v="' + esc(v.value) + '"' + (filters[k] && filters[k].has(v.value) ? ' checked' : '') + '> ' + esc(v.value) + ' <span class="meta">' + v.count + '</span></label>').join('') + '</div>').join('')
    + (f.price && f.price.length ? '<div class="facet"><h4>price</h4>' + f.price.map((b) => '<div class="meta">' + (b.from ?? 0) + '–' + (b.to ?? '∞') + ': ' + b.count + '</div>').join('') + '</div>' : '');
  for (const box of $('facets').querySelectorAll('input')) box.onchange = () => {
    const k = box.dataset.k, v = box.dataset.v; filters[k] = filters[k] || new Set();
    box.checked ? filters[k].add(v) : filters[k].delete(v); page = 1; run();
  };
}
async function suggest() {
  const q = $('q').value;
  if (!q.trim()) { $('suggest').style.display = 'none'; return; }
  try {
    const s = await api('/v1/autocomplete?q=' + encodeURIComponent(q));
    const rows = [...s.queries.map((x) => ['query', x]), ...s.items.map((i) => ['item', i.title])];
    $('suggest').innerHTML = rows.map(([kind, text]) => '<div data-t="' + esc(text) + '"><span class="meta">' + kind + '</span> ' + esc(text) + '</div>').join('');
    $('suggest').style.display = rows.length ? 'block' : 'none';
    for (const d of $('suggest').children) d.onclick = () => { $('q').value = d.dataset.t; $('suggest').style.display = 'none'; page = 1; run(); };
  } catch { $('suggest').style.display = 'none'; }
}
$('q').oninput = () => { clearTimeout(timer); page = 1; timer = setTimeout(() => { run(); suggest(); }, 120); };
$('sort').onchange = () => { page = 1; run(); };
$('prev').onclick = () => { if (page > 1) { page--; run(); } };
$('next').onclick = () => { page++; run(); };
</script></body></html>`;
