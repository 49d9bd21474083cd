// Cartwise dashboard: a hash-routed single page over the REST API (admin key). No build step, no CDN.
import { api, ApiError } from './api.js';
import { errorBox, h } from './ui.js';

const PAGES = [
  ['overview', 'Overview'],
  ['funnels', 'Funnels'],
  ['retention', 'Retention'],
  ['segments', 'Segments'],
  ['users', 'Users'],
  ['catalogue', 'Catalogue'],
  ['search', 'Search'],
  ['models', 'Models'],
  ['data', 'Data'],
];

const root = document.getElementById('app');

function signIn(message) {
  const input = h('input', { type: 'password', name: 'key', placeholder: 'cw_admin_…', autocomplete: 'off', style: 'width:100%' });
  const form = h('form', { class: 'card signin', 'data-testid': 'signin' },
    h('h1', {}, 'Cartwise'),
    h('p', { class: 'sub' }, 'Sign in with the admin key (printed by `cartwise serve`, kept in <data dir>/keys.json).'),
    message ? errorBox({ message }) : null,
    h('p', {}, input),
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    api.key = input.value.trim();
    try {
      await api.get('/v1/stats');
      if (!location.hash) location.hash = '#/overview';
      render();
    } catch (err) {
      api.key = null;
      signIn(err instanceof ApiError && err.status === 401 ? 'That key was not accepted.' : err.message);
    }
  });
  root.replaceChildren(form);
  input.focus();
}

async function render() {
  if (!api.key) return signIn();
  const [, name = 'overview', ...rest] = location.hash.replace(/^#/, '').split('/');
  const page = PAGES.find(([id]) => id === name) ? name : 'overview';
  const main = h('main', { 'data-page': page });
  const nav = h('nav', { class: 'side' },
    h('div', { class: 'brand' }, 'Cartwise'),
    PAGES.map(([id, label]) => h('a', { href: `#/${id}`, class: id === page ? 'active' : '', 'data-nav': id }, label)),
    h('div', { class: 'foot' }, h('p', {}, h('a', { href: '/docs', target: '_blank' }, 'API docs')),
      h('button', { onclick: () => { api.key = null; render(); } }, 'Sign out')));
  root.replaceChildren(h('div', { class: 'shell' }, nav, main));
  try {
    const mod = await import(`./pages/${page}.js`);
    await mod.render(main, rest.map(decodeURIComponent));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signIn('Your key is no longer accepted.');
    main.append(errorBox(err));
    console.error(err);
  }
  main.dataset.ready = 'true';
}

window.addEventListener('hashchange', render);
render();
