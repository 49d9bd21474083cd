import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, createTestApp, writer } from '../server/test-support/test-app.ts';
import { embedderFromConfig } from './embedder-config.ts';
import { OpenAiEmbedder } from './embedder.ts';

describe('embedderFromConfig', () => {
  it('is off by default, and names a missing companion setting', () => {
    expect(embedderFromConfig({ searchEmbedder: 'off' })).toBeUndefined();
    expect(embedderFromConfig({ searchEmbedder: 'hashing' })).toBe('hashing');
    expect(() => embedderFromConfig({ searchEmbedder: 'openai', searchEmbedderModel: 'm', searchEmbedderDimensions: 3 })).toThrow(/`searchEmbedderUrl`: required when searchEmbedder is openai/);
    expect(() => embedderFromConfig({ searchEmbedder: 'local' })).toThrow(/`searchEmbedderModel`: required when searchEmbedder is local/);
    expect(() => embedderFromConfig({ searchEmbedder: 'local', searchEmbedderModel: '/nonexistent/model' })).toThrow(/`searchEmbedderModel`: directory \/nonexistent\/model does not exist/);
    expect(embedderFromConfig({ searchEmbedder: 'openai', searchEmbedderUrl: 'http://x', searchEmbedderModel: 'm', searchEmbedderDimensions: 3 })).toBeInstanceOf(OpenAiEmbedder);
  });
});

describe('the server with an OpenAI-compatible embedder', () => {
  // A fake endpoint that "understands" one concept: texts mentioning zorblat or widget share a vector.
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { input: string[] };
        if (body.input.some((t) => t.includes('boom'))) {
          res.writeHead(503).end('overloaded');
          return;
        }
        const data = body.input.map((t, index) => ({ index, embedding: /zorblat|widget/i.test(t) ? [1, 0, 0] : /kettle/i.test(t) ? [0, 1, 0] : [0, 0, 1] }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('finds items by meaning, and answers lexically when the endpoint fails', async () => {
    const t = await createTestApp({ searchEmbedder: 'openai', searchEmbedderUrl: url, searchEmbedderModel: 'fake', searchEmbedderDimensions: 3 });
    try {
      await t.store.upsertItems([
        { id: 'w1', title: 'Blue Widget', price: 5 },
        { id: 'k1', title: 'Enamel Kettle', price: 30 },
        { id: 'b1', title: 'Boom Box Speaker', price: 80 },
      ]);
      const { searchServiceOf } = await import('../server/routes/search-routes.ts');
      await searchServiceOf(t.ctx).whenEmbedded(); // the catalogue is embedded in the background after the index loads
      const search = async (q: string) => (await t.app.inject({ method: 'GET', url: `/v1/search?q=${encodeURIComponent(q)}`, headers: writer })).json();
      const r = await search('zorblat');
      expect(r.hits[0].id, JSON.stringify(r)).toBe('w1'); // no word in common: found through the vectors
      expect(r.recovery).toBeUndefined();
      const failing = await search('boom box'); // the endpoint answers 503 for this query
      expect(failing.hits.map((h: { id: string }) => h.id)).toEqual(['b1']);
      expect((await t.app.inject({ method: 'GET', url: '/v1/search/synonyms', headers: admin })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
