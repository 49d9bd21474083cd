/**
 * Server-rendered HTML of the demo storefront (`/demo-store`). Self-contained (no CDN). The page loads
 * `/cartwise.js` and uses the SDK exactly as a real shop would: page and product views, search, cart,
 * checkout, reviews, sign-in (`identify`), a consent banner, and the recommendation widgets.
 */
import type { Item } from '../../core/schemas/index.ts';
import { hueOf } from '../widgets.ts';
import type { CategoryNode } from './demo-store-data.ts';

/** Escapes text for HTML content and double-quoted attributes. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON for an inline `<script>`: `<` is escaped so a value cannot close the script element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function money(price: number | undefined, currency = 'USD'): string {
  if (price === undefined) return '';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(price);
  } catch {
    return price.toFixed(2);
  }
}

const BASE = '/demo-store';
export const productHref = (id: string): string => `${BASE}/product/${encodeURIComponent(id)}`;
export const categoryHref = (path: string): string => `${BASE}?category=${encodeURIComponent(path)}`;

function leafName(category: string | undefined): string {
  if (!category) return '';
  const parts = category.split('>');
  return parts[parts.length - 1]!.trim();
}

function initials(title: string): string {
  const words = title.split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
  return ((words[0]?.[0] ?? '?') + (words[1]?.[0] ?? '')).toUpperCase();
}

function thumbStyle(id: string): string {
  const hue = hueOf(id);
  return `background:linear-gradient(135deg,hsl(${hue} 62% 52%),hsl(${(hue + 40) % 360} 62% 40%))`;
}

function addButton(item: Item, label = 'Add to cart'): string {
  if (item.inStock === false) return '<button class="add" disabled>Out of stock</button>';
  return `<button class="add" data-add="${esc(item.id)}" data-price="${esc(item.price ?? 0)}" data-title="${esc(item.title)}">${esc(label)}</button>`;
}

/** One product card of a grid. */
export function productCard(item: Item): string {
  return `<article class="card" data-item-id="${esc(item.id)}">
<a class="thumb" href="${esc(productHref(item.id))}" style="${thumbStyle(item.id)}">${esc(initials(item.title))}</a>
<div class="info"><a class="name" href="${esc(productHref(item.id))}">${esc(item.title)}</a>
<div class="cat">${esc(leafName(item.category))}</div>
<div class="row"><span class="price">${esc(money(item.price, item.currency))}</span>${addButton(item)}</div></div></article>`;
}

function grid(items: readonly Item[]): string {
  return `<div class="grid">${items.map(productCard).join('')}</div>`;
}

const STYLE = `*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#1d2433;background:#f5f6fa}
a{color:inherit}header.top{position:sticky;top:0;z-index:5;display:flex;gap:18px;align-items:center;padding:12px 28px;background:#17202f;color:#fff}
.logo{font-weight:750;font-size:19px;text-decoration:none;white-space:nowrap}.logo span{color:#7dd3a8}
form.search{flex:1;display:flex;max-width:520px}form.search input{flex:1;padding:8px 12px;border-radius:8px 0 0 8px;border:0;font:inherit}
form.search button{border:0;border-radius:0 8px 8px 0;padding:0 14px;background:#7dd3a8;color:#17202f;font-weight:650;cursor:pointer}
.who{margin-left:auto;font-size:13px;color:#c9d1e0;white-space:nowrap}.who button,.who input{font:inherit;font-size:13px}.who input{width:110px;padding:4px 6px;border-radius:6px;border:0}
.who button{background:none;border:1px solid #5a6a86;color:#fff;border-radius:6px;padding:3px 8px;cursor:pointer}
#cart-open{background:#fff;color:#17202f;border:0;border-radius:8px;padding:7px 14px;font-weight:650;cursor:pointer;white-space:nowrap}
#cart-count{display:inline-block;min-width:20px;margin-left:6px;padding:0 6px;border-radius:10px;background:#17202f;color:#fff;font-size:12px}
.layout{display:grid;grid-template-columns:220px minmax(0,1fr);gap:24px;max-width:1240px;margin:22px auto;padding:0 24px}main{min-width:0}
nav.cats{font-size:14px}nav.cats h4{margin:4px 0 8px;font-size:12px;letter-spacing:.06em;text-transform:uppercase;color:#667085}
nav.cats a{display:flex;justify-content:space-between;padding:5px 8px;border-radius:6px;text-decoration:none}nav.cats a:hover,nav.cats a.on{background:#e5e9f2}
nav.cats .n{color:#8a94a6;font-size:12px}nav.cats .sub{margin-left:12px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:26px 0 10px}.crumbs{font-size:13px;color:#667085;margin-bottom:10px}.crumbs a{color:#1456b8;text-decoration:none}
.chips{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0 4px}.chips a{padding:4px 12px;border-radius:16px;background:#fff;border:1px solid #dde1ea;text-decoration:none;font-size:13px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:14px}
.card{background:#fff;border-radius:12px;overflow:hidden;box-shadow:0 1px 3px #0000000f;display:flex;flex-direction:column}
.thumb{height:130px;display:flex;align-items:center;justify-content:center;color:#fff;font-weight:750;font-size:30px;text-decoration:none;letter-spacing:1px}
.info{padding:10px 12px 12px;display:flex;flex-direction:column;flex:1}.name{font-weight:600;text-decoration:none;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;min-height:2.9em}
.cat{font-size:12px;color:#8a94a6;margin:2px 0 8px}.row{margin-top:auto;display:flex;align-items:center;justify-content:space-between;gap:8px}.price{font-weight:700}
button.add{background:#17202f;color:#fff;border:0;border-radius:7px;padding:6px 10px;font:inherit;font-size:13px;cursor:pointer}button.add:disabled{background:#c3c8d4;cursor:default}
.pager{display:flex;gap:10px;align-items:center;margin:18px 0;font-size:14px}.pager a{padding:5px 12px;background:#fff;border:1px solid #dde1ea;border-radius:7px;text-decoration:none}
.product{display:grid;grid-template-columns:minmax(240px,360px) 1fr;gap:28px;background:#fff;border-radius:14px;padding:22px;box-shadow:0 1px 3px #0000000f}
.product .thumb{height:300px;border-radius:12px;font-size:64px}.product .price{font-size:24px;margin:10px 0}.stock{font-size:13px;color:#0a7d32}.stock.out{color:#b3261e}
.product p{color:#454f63}.qty{width:64px;padding:6px;font:inherit;margin-right:8px;border:1px solid #ccd2dd;border-radius:7px}
.review{margin-top:18px;border-top:1px solid #eceff5;padding-top:14px}.review select,.review textarea{font:inherit;padding:6px;border:1px solid #ccd2dd;border-radius:7px}
.review textarea{width:100%;height:60px;margin:6px 0}.muted{color:#667085;font-size:14px}.empty{background:#fff;border-radius:12px;padding:28px;text-align:center}
aside#cart{position:fixed;top:0;right:0;height:100%;width:360px;max-width:100%;background:#fff;box-shadow:-4px 0 24px #0002;transform:translateX(105%);transition:transform .2s;z-index:10;display:flex;flex-direction:column}
aside#cart.open{transform:none}aside#cart header{display:flex;justify-content:space-between;align-items:center;padding:16px 18px;border-bottom:1px solid #eceff5;font-weight:700}
aside#cart .lines{flex:1;overflow:auto;padding:8px 18px}.line{display:flex;justify-content:space-between;gap:10px;padding:10px 0;border-bottom:1px solid #f0f2f6;font-size:14px}
.line button{background:none;border:0;color:#b3261e;cursor:pointer;font-size:13px}aside#cart footer{padding:16px 18px;border-top:1px solid #eceff5}
#checkout{width:100%;padding:11px;border:0;border-radius:9px;background:#0a7d32;color:#fff;font:inherit;font-weight:700;cursor:pointer}#checkout:disabled{background:#c3c8d4}
.x{background:none;border:0;font-size:22px;cursor:pointer}#toast{position:fixed;left:50%;bottom:24px;transform:translateX(-50%);background:#17202f;color:#fff;padding:10px 18px;border-radius:9px;opacity:0;transition:opacity .2s;pointer-events:none;z-index:20}
#toast.on{opacity:1}#consent{position:fixed;left:24px;bottom:24px;max-width:420px;background:#fff;border-radius:12px;box-shadow:0 6px 28px #0003;padding:16px 18px;z-index:15;font-size:14px}
#consent button{margin:10px 8px 0 0;padding:7px 14px;border-radius:7px;border:1px solid #17202f;font:inherit;cursor:pointer;background:#fff}#consent button.yes{background:#17202f;color:#fff}
.sdk{font-size:12px;color:#8a94a6;text-align:center;margin:30px 0 40px}
@media(max-width:760px){.layout{grid-template-columns:1fr}nav.cats{display:none}.product{grid-template-columns:1fr}.who{display:none}}`;

/** The client script: wires the page to the SDK. Runs after `/cartwise.js` has defined `window.cartwise`. */
const CLIENT = `(function(){
var P=window.__DEMO__,cw=window.cartwise,ls=window.localStorage;
function get(k){try{return ls.getItem(k)}catch(e){return null}}function set(k,v){try{ls.setItem(k,v)}catch(e){}}
var consent=get('cw_demo_consent');
cw.init({endpoint:'',writeKey:P.writeKey,consent:consent==='yes',productUrl:'/demo-store/product/{id}',currency:'USD'});
function pageEvents(){cw.track.pageView();if(P.page==='product')cw.track.productView(P.itemId);if(P.page==='search')cw.track.search(P.query,P.resultIds);}
var banner=document.getElementById('consent');
if(consent==='yes'){pageEvents();}else if(consent!=='no'){banner.hidden=false;}
banner.querySelector('.yes').onclick=function(){set('cw_demo_consent','yes');cw.consent(true);banner.hidden=true;pageEvents();sdk();};
banner.querySelector('.no').onclick=function(){set('cw_demo_consent','no');cw.consent(false);banner.hidden=true;sdk();};
var toastEl=document.getElementById('toast'),tt;function toast(m){toastEl.textContent=m;toastEl.className='on';clearTimeout(tt);tt=setTimeout(function(){toastEl.className=''},1800);}
var cart=[];try{cart=JSON.parse(get('cw_demo_cart')||'[]')||[]}catch(e){cart=[]}
function money(n){return '$'+n.toFixed(2)}
function save(){set('cw_demo_cart',JSON.stringify(cart));render();}
function render(){var n=0,total=0,box=document.getElementById('cart-lines');box.textContent='';
cart.forEach(function(l){n+=l.quantity;total+=l.quantity*l.price;var d=document.createElement('div');d.className='line';d.setAttribute('data-line',l.itemId);
var t=document.createElement('span');t.textContent=l.quantity+' × '+l.title;var r=document.createElement('span');r.textContent=money(l.quantity*l.price)+' ';
var b=document.createElement('button');b.textContent='Remove';b.setAttribute('data-remove',l.itemId);r.appendChild(b);d.appendChild(t);d.appendChild(r);box.appendChild(d);});
if(!cart.length){box.innerHTML='<p class="muted">Your cart is empty.</p>';}
document.getElementById('cart-count').textContent=String(n);document.getElementById('cart-total').textContent=money(total);document.getElementById('checkout').disabled=!cart.length;}
function open(o){document.getElementById('cart').className=o?'open':'';}
document.addEventListener('click',function(e){var t=e.target;if(!(t instanceof Element))return;
var add=t.closest('[data-add]');if(add){var id=add.getAttribute('data-add'),price=Number(add.getAttribute('data-price'))||0,q=1;
var qi=document.getElementById('qty');if(qi&&P.itemId===id)q=Math.max(1,Math.floor(Number(qi.value)||1));
var line=cart.find(function(l){return l.itemId===id});if(line)line.quantity+=q;else cart.push({itemId:id,quantity:q,price:price,title:add.getAttribute('data-title')||id});
cw.track.addToCart(id,q,price);save();toast('Added to cart');return;}
var rm=t.closest('[data-remove]');if(rm){var rid=rm.getAttribute('data-remove');var l2=cart.find(function(l){return l.itemId===rid});if(l2){cw.track.removeFromCart(rid,l2.quantity);cart=cart.filter(function(l){return l!==l2});save();}return;}
if(t.closest('#cart-open')){open(true);return;}if(t.closest('#cart-close')){open(false);return;}
if(t.closest('#checkout')&&cart.length){var orderId='o-'+(crypto.randomUUID?crypto.randomUUID().slice(0,8):String(Date.now()));
var revenue=Math.round(cart.reduce(function(s,l){return s+l.quantity*l.price},0)*100)/100;
cw.track.purchase({orderId:orderId,lines:cart.map(function(l){return {itemId:l.itemId,quantity:l.quantity,price:l.price}}),revenue:revenue});
cart=[];save();cw.flush();var box=document.getElementById('cart-lines');box.innerHTML='';var p=document.createElement('p');p.id='order-done';p.textContent='Thank you! Order '+orderId+' ('+money(revenue)+') is placed.';box.appendChild(p);return;}
});
var who=document.getElementById('who');function showWho(){var u=get('cw_demo_user');who.querySelector('.in').hidden=!!u;who.querySelector('.out').hidden=!u;who.querySelector('.name').textContent=u||'';}
who.querySelector('form').onsubmit=function(e){e.preventDefault();var v=who.querySelector('input').value.trim();if(!v)return;set('cw_demo_user',v);cw.identify(v);showWho();toast('Signed in as '+v);};
who.querySelector('.signout').onclick=function(){try{ls.removeItem('cw_demo_user')}catch(e){}cw.reset();showWho();};showWho();
var rv=document.getElementById('review');if(rv)rv.onsubmit=function(e){e.preventDefault();cw.track.review(P.itemId,Number(rv.querySelector('[name=rating]').value),rv.querySelector('[name=text]').value);rv.reset();toast('Thanks for your review');};
function sdk(){var s=cw.stats,el=document.getElementById('sdk');if(!s||!el)return;el.textContent='Cartwise SDK · tracking '+(cw.userId?'on as '+cw.userId:'off (no consent)')+' · '+s.sent+' events sent';}
setInterval(sdk,1000);sdk();render();
})();`;

export interface DemoPageInput {
  title: string;
  writeKey: string;
  tree: readonly CategoryNode[];
  /** The selected category path, for the navigation highlight. */
  currentCategory?: string;
  query?: string;
  body: string;
  /** Data for the client script (`page`, `itemId`, `query`, `resultIds`). */
  page: { page: 'home' | 'category' | 'search' | 'product' | 'empty'; itemId?: string; query?: string; resultIds?: string[] };
}

function navigation(tree: readonly CategoryNode[], current: string | undefined): string {
  const out: string[] = ['<nav class="cats"><h4>Departments</h4>'];
  for (const dept of tree) {
    const on = current !== undefined && (current === dept.path || current.startsWith(dept.path + ' >'));
    out.push(`<a href="${esc(categoryHref(dept.path))}"${on ? ' class="on"' : ''}>${esc(dept.name)}<span class="n">${dept.count}</span></a>`);
    if (on) {
      out.push('<div class="sub">');
      for (const c of dept.children) out.push(`<a href="${esc(categoryHref(c.path))}"${current === c.path || current.startsWith(c.path + ' >') ? ' class="on"' : ''}>${esc(c.name)}<span class="n">${c.count}</span></a>`);
      out.push('</div>');
    }
  }
  out.push('</nav>');
  return out.join('');
}

/** The full page around a body. */
export function demoPage(input: DemoPageInput): string {
  const data = { writeKey: input.writeKey, ...input.page };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)} · Cartwise demo store</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"><style>${STYLE}</style></head><body>
<header class="top"><a class="logo" href="${BASE}">Cartwise <span>demo store</span></a>
<form class="search" action="${BASE}" method="get" role="search"><input name="q" placeholder="Search products" value="${esc(input.query ?? '')}" aria-label="Search products"><button>Search</button></form>
<div class="who" id="who"><form class="in"><input placeholder="your name" aria-label="Sign in as"> <button>Sign in</button></form><span class="out" hidden>Signed in as <b class="name"></b> <button class="signout" type="button">Sign out</button></span></div>
<button id="cart-open" type="button">Cart<span id="cart-count">0</span></button></header>
<div class="layout">${navigation(input.tree, input.currentCategory)}<main>${input.body}<div class="sdk" id="sdk"></div></main></div>
<aside id="cart" aria-label="Cart"><header>Your cart<button class="x" id="cart-close" type="button" aria-label="Close">×</button></header><div class="lines" id="cart-lines"></div>
<footer><div class="row" style="margin-bottom:10px"><span>Total</span><b id="cart-total">$0.00</b></div><button id="checkout" type="button" disabled>Checkout</button></footer></aside>
<div id="consent" hidden><b>Help us improve this shop?</b><div class="muted">Allow Cartwise to record your visits, searches and cart (anonymously) to personalise recommendations. Nothing is sent or stored until you allow it.</div>
<button class="yes" type="button">Allow</button><button class="no" type="button">No thanks</button></div><div id="toast"></div>
<script src="/cartwise.js"></script><script>window.__DEMO__=${scriptJson(data)};</script><script>${CLIENT}</script></body></html>`;
}

/** The home page body: recommendations, popular items and a few items per department. */
export function homeBody(popular: readonly Item[], departments: readonly { node: CategoryNode; items: Item[] }[]): string {
  return `<h1>Welcome to the demo store</h1><div class="muted">Every click here is tracked by the Cartwise SDK and stored in your Cartwise server.</div>
<div data-cartwise="recommendations" data-k="8"></div>
<h2>Popular right now</h2>${grid(popular)}
${departments.map((d) => `<h2><a href="${esc(categoryHref(d.node.path))}">${esc(d.node.name)}</a></h2>${grid(d.items)}`).join('')}`;
}

/** A category page body with breadcrumbs, sub-category chips and a pager. */
export function categoryBody(node: CategoryNode, items: readonly Item[], page: number, total: number, pageSize: number): string {
  const levels = node.path.split(' > ');
  const crumbs = levels.map((name, i) => {
    const path = levels.slice(0, i + 1).join(' > ');
    return i === levels.length - 1 ? esc(name) : `<a href="${esc(categoryHref(path))}">${esc(name)}</a>`;
  });
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const link = (p: number) => `${categoryHref(node.path)}&page=${p}`;
  return `<div class="crumbs"><a href="${BASE}">Home</a> › ${crumbs.join(' › ')}</div><h1>${esc(node.name)}</h1><div class="muted">${total} products</div>
${node.children.length ? `<div class="chips">${node.children.map((c) => `<a href="${esc(categoryHref(c.path))}">${esc(c.name)} (${c.count})</a>`).join('')}</div>` : ''}
<h2></h2>${grid(items)}
<div class="pager">${page > 1 ? `<a href="${esc(link(page - 1))}">← Previous</a>` : ''}<span>Page ${page} of ${pages}</span>${page < pages ? `<a href="${esc(link(page + 1))}">Next →</a>` : ''}</div>`;
}

export function searchBody(query: string, items: readonly Item[]): string {
  return `<h1>Search: “${esc(query)}”</h1><div class="muted">${items.length === 0 ? 'No products match.' : `${items.length} product${items.length === 1 ? '' : 's'}`}</div><h2></h2>${grid(items)}`;
}

/** A product page body: details, add to cart, a review form and the two item widgets. */
export function productBody(item: Item): string {
  const levels = item.category ? item.category.split('>').map((s) => s.trim()) : [];
  const crumbs = levels.map((name, i) => `<a href="${esc(categoryHref(levels.slice(0, i + 1).join(' > ')))}">${esc(name)}</a>`);
  const attrs = item.attrs ? Object.entries(item.attrs).map(([k, v]) => `<li><b>${esc(k)}</b>: ${esc(v)}</li>`).join('') : '';
  return `<div class="crumbs"><a href="${BASE}">Home</a>${crumbs.length ? ' › ' + crumbs.join(' › ') : ''}</div>
<section class="product" data-item-id="${esc(item.id)}"><div class="thumb" style="${thumbStyle(item.id)}">${esc(initials(item.title))}</div>
<div><h1>${esc(item.title)}</h1><div class="price">${esc(money(item.price, item.currency))}</div>
<div class="stock${item.inStock === false ? ' out' : ''}">${item.inStock === false ? 'Out of stock' : 'In stock'}</div>
${item.description ? `<p>${esc(item.description)}</p>` : ''}${attrs ? `<ul class="muted">${attrs}</ul>` : ''}
<div style="margin-top:14px">${item.inStock === false ? '' : '<input id="qty" class="qty" type="number" min="1" value="1" aria-label="Quantity">'}${addButton(item)}</div>
<form class="review" id="review"><b>Review this product</b><br><select name="rating" aria-label="Rating"><option value="5">★★★★★</option><option value="4">★★★★</option><option value="3">★★★</option><option value="2">★★</option><option value="1">★</option></select>
<textarea name="text" placeholder="What did you think?"></textarea><button class="add">Send review</button></form></div></section>
<div data-cartwise="similar" data-item="${esc(item.id)}" data-k="8"></div>
<div data-cartwise="bought-together" data-item="${esc(item.id)}" data-k="6"></div>`;
}

/** Shown when the catalogue is empty. */
export function emptyBody(): string {
  return `<div class="empty"><h1>The catalogue is empty</h1><p class="muted">Generate the demo shop with <code>cartwise demo</code>, or load your own catalogue with <code>PUT /v1/items</code> (admin key).</p></div>`;
}

export function notFoundBody(id: string): string {
  return `<div class="empty"><h1>Product not found</h1><p class="muted">No item with id <code>${esc(id)}</code>. <a href="${BASE}">Back to the shop</a></p></div>`;
}
