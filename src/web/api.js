// The dashboard's only way to the server: the same REST API everyone uses, with the admin key.
const KEY = 'cartwise.adminKey';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

export const api = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { value ? sessionStorage.setItem(KEY, value) : sessionStorage.removeItem(KEY); },
  async request(method, path, { query, body } = {}) {
    const url = new URL(path, location.origin);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${this.key ?? ''}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : undefined;
    if (!res.ok && res.status !== 207) throw new ApiError(res.status, data);
    return data;
  },
  get(path, query) { return this.request('GET', path, { query }); },
  post(path, body, query) { return this.request('POST', path, { body, query }); },
  put(path, body) { return this.request('PUT', path, { body }); },
};
