// The daemon's JSON API (docs/api.md) and its live notices. A 401 from any
// route but the login itself means the session ended: onLoggedOut is
// called so that the page can show the login form again.

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
  }
}

let loggedOut = () => {};

// Sets what happens when the daemon says the session is gone.
export function onLoggedOut(fn) {
  loggedOut = fn;
}

async function call(method, path, body) {
  const init = { method, headers: {}, credentials: 'same-origin' };
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
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && path !== '/api/login' && path !== '/api/me') loggedOut(err);
    throw err;
  }
  return data;
}

// A route this daemon may not have (an older daemon, or the agent asking a
// coordinator-only route): null instead of an error for 404 and 405.
async function optional(method, path, body) {
  try {
    return await call(method, path, body);
  } catch (e) {
    if (e.status === 404 && (!e.field || e.code === '')) return null;
    if (e.status === 405 || e.status === 501) return null;
    throw e;
  }
}

const q = encodeURIComponent;

export const api = {
  login: (user, password) => call('POST', '/api/login', { user, password }),
  logout: () => call('POST', '/api/logout', {}),
  me: () => call('GET', '/api/me'),
  status: () => call('GET', '/api/status'),
  incidents: () => call('GET', '/api/incidents'),
  persons: () => call('GET', '/api/persons'),
  person: (id) => call('GET', `/api/persons/${q(id)}`),
  audit: (person) => call('GET', `/api/audit?person=${q(person)}`),
  counts: () => call('GET', '/api/counts'),
  flags: (open) => call('GET', open ? '/api/flags?open=1' : '/api/flags'),
  instruments: () => call('GET', '/api/instruments'),
  addPerson: (p) => call('POST', '/api/persons', p),
  triage: (t) => call('POST', '/api/triage', t),
  ack: (id, by, action) =>
    call('POST', `/api/flags/${q(id)}/ack`, { by, action }),
  map: (incident) => optional('GET', incident ? `/api/map?incident=${q(incident)}` : '/api/map'),
  zones: (incident) => optional('GET', `/api/zones?incident=${q(incident)}`),
  agents: () => optional('GET', '/api/agents'),
  orders: () => optional('GET', '/api/orders'),
  ackOrder: (id, by) => call('POST', `/api/orders/${q(id)}/ack`, { by }),
  followups: () => optional('GET', '/api/followups?overdue=1'),
  report: (incident) => optional('GET', `/api/report?incident=${q(incident)}`),
  services: () => optional('GET', '/api/services'),
  handoff: (h) => call('POST', '/api/handoffs', h),
  teams: () => optional('GET', '/api/teams'),
  teamStatus: (id, readiness) =>
    call('POST', `/api/teams/${q(id)}/status`, { readiness }),
  addTeam: (team) => call('POST', '/api/teams', team),
  editTeam: (id, team) => call('POST', `/api/teams/${q(id)}`, team),
};

// Calls onChange whenever the daemon's log grows (server-sent events); the
// browser reconnects by itself when the daemon restarts.
export function listen(onChange) {
  const es = new EventSource('/api/events', { withCredentials: true });
  es.onmessage = () => onChange();
  return es;
}
