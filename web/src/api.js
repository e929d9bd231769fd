// The daemon's JSON API (docs/api.md) and its live notices.

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
  }
}

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = {
  status: () => call('GET', '/api/status'),
  incidents: () => call('GET', '/api/incidents'),
  persons: () => call('GET', '/api/persons'),
  counts: () => call('GET', '/api/counts'),
  flags: (open) => call('GET', open ? '/api/flags?open=1' : '/api/flags'),
  instruments: () => call('GET', '/api/instruments'),
  addPerson: (p) => call('POST', '/api/persons', p),
  triage: (t) => call('POST', '/api/triage', t),
  ack: (id, by, action) =>
    call('POST', `/api/flags/${encodeURIComponent(id)}/ack`, { by, action }),
};

// Calls onChange whenever the daemon's log grows (server-sent events); the
// browser reconnects by itself when the daemon restarts.
export function listen(onChange) {
  const es = new EventSource('/api/events');
  es.onmessage = () => onChange();
  return es;
}
