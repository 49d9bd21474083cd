import { h } from '../ui.js';

export async function render(main) {
  main.append(h('h1', {}, 'Models'), h('p', { class: 'empty' }, 'This page appears when its capability lands.'));
}
