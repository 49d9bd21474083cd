/** Self-contained HTML pages (no CDN: the server works with no internet). */

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
header{background:#1d2433;color:#fff;padding:14px 28px;font-weight:600;font-size:18px}
main{max-width:980px;margin:24px auto;padding:0 20px}
.card{background:#fff;border-radius:10px;padding:18px 22px;margin:14px 0;box-shadow:0 1px 3px #0001}
code,pre{background:#eef0f6;border-radius:5px;padding:1px 5px;font-size:13px}
pre{padding:10px;overflow:auto}.m{display:inline-block;min-width:62px;font-weight:700;font-size:12px}
.GET{color:#0a7d32}.POST{color:#b15c00}.PUT{color:#1456b8}.DELETE{color:#b3261e}.tag{color:#667;font-size:12px;margin-left:8px}
h2{margin:6px 0 10px;font-size:17px}a{color:#1456b8}`;

export function docsPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cartwise API</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body><header>Cartwise API reference</header><main><div class="card">The machine-readable document is at
<a href="/openapi.json">/openapi.json</a>. Send <code>Authorization: Bearer &lt;key&gt;</code>; routes marked
<b>write</b> accept the write key (safe in a storefront), <b>admin</b> routes need the admin key.</div>
<div id="ops">Loading…</div></main>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const esc=s=>String(s??'').replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
  const out=[];
  for(const [path,ops] of Object.entries(doc.paths)) for(const [m,op] of Object.entries(ops)){
    const ex=op.responses&&Object.values(op.responses)[0]?.content;const ct=ex&&Object.values(ex)[0];
    out.push('<div class="card"><h2><span class="m '+m.toUpperCase()+'">'+m.toUpperCase()+'</span><code>'+esc(path)+'</code><span class="tag">'+esc(op.tags?.[0])+' · '+esc(op['x-access'])+'</span></h2>'
      +'<div>'+esc(op.summary)+'</div>'+(op.description?'<p>'+esc(op.description)+'</p>':'')
      +(op.parameters?'<p>Parameters: '+op.parameters.map(p=>'<code>'+esc(p.name)+'</code> ('+p.in+(p.required?', required':'')+')').join(', ')+'</p>':'')
      +(ct&&ct.example!==undefined?'<pre>'+esc(JSON.stringify(ct.example,null,2))+'</pre>':'')+'</div>');
  }
  document.getElementById('ops').innerHTML=out.join('');
});
</script></body></html>`;
}
