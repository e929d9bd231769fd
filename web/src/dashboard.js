// The command-center dashboard: the incident map, people by triage level,
// open red flags acknowledged from here, need against deployed capacity
// per zone, the team board, overdue follow-ups, each agent's sync status,
// people by site, the pseudonymous person list and the incidents. The
// skeleton is drawn once; each section redraws only its own box, and only
// when its data changed, so that the map and typed text survive refreshes.
import { api } from './api.js';
import { t, esc, levelName, currentLang } from './i18n.js';
import { can } from './session.js';
import { incidentMap } from './map.js';
import { zonesView } from './zones.js';
import { teamBoard } from './teams.js';
import { personsView } from './persons.js';

const LEVELS = ['immediate', 'high_risk', 'low_risk', 'untriaged'];
const short = (id) => String(id || '').slice(0, 8);
export const when = (ms) =>
  (ms ? new Date(ms).toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB') : '');
const ago = (ms) => {
  if (!ms) return t('never');
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 90 ? t('secondsAgo', s) : s < 5400 ? t('minutesAgo', Math.round(s / 60)) : t('hoursAgo', Math.round(s / 3600));
};

// Settles a call: its value, or {error} (a refused or failed route must
// not blank the whole dashboard).
const settle = (p) => p.then((v) => v, (e) => ({ error: e }));
const failed = (v) => v && v.error instanceof Error;

function section(id, title, extra = '') {
  return `<section id="${id}" class="${extra}"><h2>${esc(title)}</h2><p class="note muted"></p><div class="body"></div></section>`;
}

export function dashboard(root) {
  let incident = localStorage.getItem('xy-incident') || '';
  let incidents = [];
  let map = null;
  let zones = null;
  let teams = null;
  let persons = null;
  const typed = new Map(); // flag id -> what was typed into its form
  const last = {};

  root.innerHTML = `
    <div class="dash" data-testid="dashboard">
      <section id="sec-incident" class="bar">
        <label>${esc(t('incident'))} <select id="incident" data-testid="incident-select"></select></label>
        <span id="incident-info"></span>
      </section>
      <section id="sec-map" class="map-sec"><h2>${esc(t('map'))}</h2><p class="note muted"></p>
        <div id="map" data-testid="map"></div></section>
      ${section('sec-levels', t('levels'))}
      ${section('sec-flags', t('openFlags'))}
      ${section('sec-zones', t('zonesTitle'), 'wide')}
      ${section('sec-teams', t('teamBoard'), 'wide')}
      ${section('sec-followups', t('overdueFollowups'))}
      ${section('sec-agents', t('agents'))}
      ${section('sec-sites', t('sites'))}
      ${can('persons') ? section('sec-persons', t('personsList'), 'wide') : ''}
      ${section('sec-incidents', t('incidents'))}
    </div>`;
  const body = (id) => root.querySelector(`#${id} .body`);
  const sel = root.querySelector('#incident');
  sel.addEventListener('change', () => {
    incident = sel.value;
    localStorage.setItem('xy-incident', incident);
    refresh();
  });

  // Draws a section's box only when what it shows changed.
  function put(id, key, html) {
    const k = JSON.stringify([key, currentLang()]);
    if (last[id] === k) return false;
    last[id] = k;
    body(id).innerHTML = html;
    return true;
  }

  function drawIncidents() {
    const opts = incidents.map((i) => `<option value="${esc(i.id)}" ${i.id === incident ? 'selected' : ''}>
      ${esc(i.title)}${i.exercise ? ` (${esc(t('exercise'))})` : ''}</option>`).join('');
    const key = JSON.stringify([incidents, incident, currentLang()]);
    if (sel.dataset.key !== key) {
      sel.innerHTML = opts || `<option value="">${esc(t('none'))}</option>`;
      sel.dataset.key = key;
    }
    const cur = incidents.find((i) => i.id === incident);
    root.querySelector('#incident-info').innerHTML = cur
      ? `${esc(t('hazards')[cur.hazard] || cur.hazard)} · ${esc(t('respLevel'))} ${esc(cur.level || '—')}
        · ${esc(when(cur.started_at))}${cur.exercise ? ` <span class="tag" data-testid="exercise-tag">${esc(t('exercise'))}</span>` : ''}` : '';
    put('sec-incidents', incidents, `<table><thead><tr><th>${esc(t('title'))}</th><th>${esc(t('hazard'))}</th>
      <th>${esc(t('respLevel'))}</th><th></th></tr></thead><tbody>
      ${incidents.map((i) => `<tr><td>${esc(i.title)}</td><td>${esc(t('hazards')[i.hazard] || i.hazard)}</td>
        <td>${esc(i.level)}</td><td>${i.exercise ? `<span class="tag">${esc(t('exercise'))}</span>` : ''}</td></tr>`).join('')
        || `<tr><td colspan="4">${esc(t('none'))}</td></tr>`}</tbody></table>`);
  }

  function drawLevels(counts) {
    const totals = Object.fromEntries(LEVELS.map((l) => [l, 0]));
    for (const r of counts.levels || [])
      if (!incident || r.incident === incident) totals[r.level] = (totals[r.level] || 0) + r.persons;
    put('sec-levels', totals, `<div class="cards">${LEVELS.map((l) => `
      <div class="card level-${l}" data-testid="count-${l}">
        <span class="n">${totals[l]}</span><span>${esc(levelName(l))}</span></div>`).join('')}</div>`);
    const sites = (counts.sites || []).filter((s) => !incident || s.incident === incident);
    put('sec-sites', sites, `<table data-testid="sites"><thead><tr><th>${esc(t('site'))}</th>
      <th>${esc(t('persons'))}</th></tr></thead><tbody>
      ${sites.map((s) => `<tr><td>${esc(s.site)}</td><td>${s.persons}</td></tr>`).join('')
        || `<tr><td colspan="2">${esc(t('none'))}</td></tr>`}</tbody></table>`);
  }

  function flagForm(f) {
    const inc = incidents.find((i) => i.id === f.incident);
    return `<form class="flag" data-flag="${esc(f.id)}" data-testid="flag">
      <div><strong>${esc(t('flag'))}</strong> ${esc(short(f.id))}
        · ${esc(t('person'))} ${esc(short(f.person))} · ${esc((inc || {}).title || short(f.incident))}
        ${f.exercise ? `<span class="tag">${esc(t('exercise'))}</span>` : ''}
        ${f.overdue ? `<span class="tag overdue" data-testid="overdue">${esc(t('overdue'))}</span>` : ''}
        · ${esc(when(f.raised_at))}</div>
      <div class="reason">${esc(currentLang() === 'zh' && f.reason_zh ? f.reason_zh : f.reason)}</div>
      ${can('ack_flags') ? `
        <label>${esc(t('ackBy'))} <input name="by" required maxlength="64"></label>
        <label>${esc(t('ackAction'))} <input name="action" maxlength="200"></label>
        <button type="submit">${esc(t('ack'))}</button>` : `<p class="muted">${esc(t('cannotAck'))}</p>`}
      <output class="error"></output>
    </form>`;
  }

  function drawFlags(flags) {
    const key = flags.map((f) => [f.id, f.overdue]);
    if (!put('sec-flags', key, flags.length ? flags.map(flagForm).join('')
      : `<p class="ok" data-testid="no-flags">${esc(t('noOpenFlags'))}</p>`)) return;
    for (const form of body('sec-flags').querySelectorAll('form.flag')) {
      const id = form.dataset.flag;
      if (!form.by) continue;
      const saved = typed.get(id) || {};
      form.by.value = saved.by || '';
      form.action.value = saved.action || '';
      form.addEventListener('input', () =>
        typed.set(id, { by: form.by.value, action: form.action.value }));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          await api.ack(id, form.by.value.trim(), form.action.value.trim());
          typed.delete(id);
          await refresh();
        } catch (e) {
          form.querySelector('output').textContent = t('error', e);
        }
      });
    }
  }

  function drawFollowups(list, report) {
    if (Array.isArray(list)) {
      const rows = list.filter((f) => f.overdue !== false);
      put('sec-followups', rows, rows.length ? `<table data-testid="followups"><thead><tr>
        <th>${esc(t('person'))}</th><th>${esc(t('service'))}</th><th>${esc(t('dueAt'))}</th><th></th></tr></thead><tbody>
        ${rows.map((f) => `<tr><td class="mono">${esc(short(f.person))}</td><td>${esc(f.service_name || short(f.service))}</td>
          <td>${esc(f.due || when(f.due_at))}</td><td>${f.exercise ? `<span class="tag">${esc(t('exercise'))}</span>` : ''}</td></tr>`).join('')}
        </tbody></table>` : `<p class="ok" data-testid="no-followups">${esc(t('noOverdue'))}</p>`);
      return;
    }
    // Without the follow-up list (a role that reads aggregates only): the
    // report's overdue counts per zone.
    const zonesR = (report && report.zones) || [];
    const n = report && report.total ? Number(report.total.followups_overdue) || 0 : 0;
    put('sec-followups', [n, zonesR], `<p class="big ${n ? 'warn' : 'ok'}" data-testid="followups-overdue">${esc(t('overdueCount', n))}</p>
      ${zonesR.filter((z) => z.followups_overdue).map((z) => `<div>${esc(z.name || short(z.zone))}: ${Number(z.followups_overdue)}</div>`).join('')}`);
  }

  function drawAgents(agents) {
    const sec = root.querySelector('#sec-agents');
    sec.hidden = !Array.isArray(agents);
    if (!Array.isArray(agents)) return;
    put('sec-agents', [agents, Math.floor(Date.now() / 30000)], agents.length ? `<table data-testid="agents"><thead><tr>
      <th>${esc(t('agentName'))}</th><th>${esc(t('lastSeen'))}</th><th>${esc(t('backlogLabel'))}</th>
      <th>${esc(t('state'))}</th></tr></thead><tbody>
      ${agents.map((a) => `<tr class="agent-${esc(String(a.state || '').replace(/\s+/g, '_'))}" data-testid="agent"><td>${esc(a.name)}</td>
        <td title="${esc(when(a.last_seen_ms))}">${esc(a.last_seen_ms ? ago(a.last_seen_ms) : a.state === 'not connected' ? t('never') : '—')}</td><td>${a.backlog ?? '—'}</td>
        <td>${esc(t('agentStates')[a.state] || a.state || '')}</td></tr>`).join('')}</tbody></table>`
      : `<p>${esc(t('noAgents'))}</p>`);
  }

  function pickIncident() {
    if (incidents.some((i) => i.id === incident)) return;
    const latest = [...incidents].sort((a, b) => (b.started_at || 0) - (a.started_at || 0))[0];
    incident = latest ? latest.id : '';
  }

  // Says in a section why its data is missing (v: a settled failure), or
  // clears that note.
  // A 404 (nothing held yet, e.g. no assessment) is no error to show.
  function note(id, v) {
    const bad = failed(v) && v.error.status !== 404;
    root.querySelector(`#${id} .note`).textContent = bad ? t('error', v.error) : '';
    return failed(v);
  }

  async function refresh() {
    incidents = await api.incidents();
    pickIncident();
    const [counts, flags, mapData, zoneList, teamList, followups, report, agents, personList] =
      await Promise.all([
        api.counts(), api.flags(true),
        settle(api.map(incident)), incident ? settle(api.zones(incident)) : null,
        settle(api.teams()),
        can('followup') ? settle(api.followups()) : null,
        incident ? settle(api.report(incident)) : null,
        settle(api.agents()),
        can('persons') ? settle(api.persons()) : null]);
    drawIncidents();
    drawLevels(counts);
    drawFlags(flags);
    map.show(failed(mapData) ? null : mapData);
    zones.show(note('sec-zones', zoneList) ? null : zoneList);
    teams.show(note('sec-teams', teamList) ? null : teamList);
    note('sec-map', mapData);
    drawFollowups(failed(followups) ? null : followups, failed(report) ? null : report);
    drawAgents(failed(agents) ? null : agents);
    if (persons) persons.show(failed(personList) ? [] : (personList || []).filter((p) => !incident || p.incident === incident));
    root.dataset.mapProvinces = String(map.counts().province);
    return { counts, flags };
  }

  async function start() {
    map = incidentMap(root.querySelector('#map'));
    zones = zonesView(body('sec-zones'));
    teams = teamBoard(body('sec-teams'), refresh);
    if (can('persons')) persons = personsView(body('sec-persons'));
    return refresh();
  }

  return {
    start,
    refresh,
    exercise: () => incidents.some((i) => i.exercise),
    destroy: () => { map && map.destroy(); zones && zones.destroy(); },
  };
}
