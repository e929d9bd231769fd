// The pseudonymous list of people (`persons` permission: id, age band, sex,
// site, zone, triage level, exercise; never names) and, for roles with
// `personal`, an explicit "show personal data" action per person: the page
// says the view is recorded, then asks GET /api/persons/{id}, which the
// daemon audits. Personal data is kept in the page only while shown.
import { api } from './api.js';
import { t, esc, levelName, currentLang } from './i18n.js';
import { can } from './session.js';

const short = (id) => String(id || '').slice(0, 8);
const when = (ms) => (ms ? new Date(ms).toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB') : '');

// Who has viewed a person's personal data (`audit`: GET /api/audit).
function auditTable(list) {
  if (!list.length) return `<p data-testid="audit-none">${esc(t('noViews'))}</p>`;
  return `<table data-testid="audit"><thead><tr><th>${esc(t('viewer'))}</th><th>${esc(t('roleLabel'))}</th>
    <th>${esc(t('fieldsShown'))}</th><th>${esc(t('viewedAt'))}</th></tr></thead><tbody>
    ${list.map((a) => `<tr data-testid="audit-row"><td>${esc(a.viewer)}</td><td>${esc(t('roles')[a.role] || a.role)}</td>
      <td>${esc((a.fields || []).map((f) => t('personalFields')[f] || f).join(', '))}</td>
      <td>${esc(when(a.viewed_at))}</td></tr>`).join('')}</tbody></table>`;
}

function personal(p) {
  if (!p || p.sealed || !p.personal) return `<p class="sealed" data-testid="sealed">${esc(t('sealed'))}</p>`;
  const d = p.personal;
  return `<dl class="personal" data-testid="personal">
    ${[['name', d.name], ['phone', d.phone], ['idNumber', d.id_number], ['birthYear', d.birth_year], ['notes', d.notes]]
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `<dt>${esc(t(k))}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

// onScreen(id), when given, adds a button to screen that person (the
// field page, for roles that register).
export function personsView(box, onScreen) {
  let persons = [];
  let last = '';
  const open = new Map(); // person id -> the daemon's answer while shown
  const asking = new Set(); // person ids whose "view is recorded" notice is up
  const audits = new Map(); // person id -> the audit trail while shown

  function row(p) {
    const shown = open.get(p.id);
    return `<tr data-testid="person" data-person="${esc(p.id)}">
      <td class="mono">${esc(short(p.id))}</td><td>${esc(p.age_band)}–${Number(p.age_band) + 4}</td>
      <td>${esc(t('sexes')[p.sex] ?? p.sex ?? '')}</td><td>${esc(p.site || '')}</td>
      <td>${esc(p.zone_name || short(p.zone))}</td>
      <td>${p.level ? `<span class="pill level-${esc(String(p.level).toLowerCase())}">${esc(levelName(p.level))}</span>` : ''}</td>
      <td>${p.exercise ? `<span class="tag">${esc(t('exercise'))}</span>` : ''}</td>
      <td>${can('audit') ? `<button type="button" class="secondary" data-audit="${esc(p.id)}" data-testid="show-audit">${esc(audits.has(p.id) ? t('hideViews') : t('showViews'))}</button>` : ''}
        ${onScreen ? `<button type="button" class="secondary" data-screen="${esc(p.id)}">${esc(t('screenThis'))}</button>` : ''}
        ${can('personal') ? (shown
        ? `<button type="button" class="secondary" data-hide="${esc(p.id)}">${esc(t('hidePersonal'))}</button>`
        : `<button type="button" class="secondary" data-show="${esc(p.id)}" data-testid="show-personal">${esc(t('showPersonal'))}</button>`) : ''}</td>
    </tr>${asking.has(p.id) ? `<tr class="personal-row"><td colspan="8">
      <p class="notice" data-testid="recorded">${esc(t('confirmPersonal'))}</p>
      <button type="button" data-confirm="${esc(p.id)}" data-testid="confirm-personal">${esc(t('showPersonalConfirm'))}</button>
      <button type="button" class="secondary" data-hide="${esc(p.id)}">${esc(t('cancel'))}</button></td></tr>` : ''}${shown ? `<tr class="personal-row"><td colspan="8">
      <p class="notice">${esc(t('viewRecorded'))}</p>${personal(shown)}</td></tr>` : ''}${audits.has(p.id)
      ? `<tr class="audit-row"><td colspan="8">${auditTable(audits.get(p.id))}</td></tr>` : ''}`;
  }

  function draw() {
    box.innerHTML = `
      <table data-testid="persons"><thead><tr><th>${esc(t('person'))}</th><th>${esc(t('ageBand'))}</th>
        <th>${esc(t('sex'))}</th><th>${esc(t('site'))}</th><th>${esc(t('zone'))}</th><th>${esc(t('level'))}</th>
        <th></th><th></th></tr></thead>
        <tbody>${persons.map(row).join('') || `<tr><td colspan="8">${esc(t('none'))}</td></tr>`}</tbody></table>
      ${can('personal') ? `<p class="hint">${esc(t('personalHint'))}</p>` : ''}
      <output class="error"></output>`;
    for (const b of box.querySelectorAll('[data-show]'))
      b.addEventListener('click', () => { asking.add(b.dataset.show); draw(); });
    for (const b of box.querySelectorAll('[data-confirm]'))
      b.addEventListener('click', async () => {
        const id = b.dataset.confirm;
        asking.delete(id);
        try {
          open.set(id, await api.person(id));
        } catch (e) {
          draw();
          box.querySelector('output').textContent = t('error', e);
          return;
        }
        draw();
      });
    for (const b of box.querySelectorAll('[data-audit]'))
      b.addEventListener('click', async () => {
        const id = b.dataset.audit;
        if (audits.has(id)) {
          audits.delete(id);
        } else {
          try {
            audits.set(id, (await api.audit(id)) || []);
          } catch (e) {
            box.querySelector('output').textContent = t('error', e);
            return;
          }
        }
        draw();
      });
    for (const b of box.querySelectorAll('[data-screen]'))
      b.addEventListener('click', () => onScreen(b.dataset.screen));
    for (const b of box.querySelectorAll('[data-hide]'))
      b.addEventListener('click', () => { open.delete(b.dataset.hide); asking.delete(b.dataset.hide); draw(); });
  }

  function show(list) {
    persons = Array.isArray(list) ? list : [];
    const text = JSON.stringify([persons, t('person'), [...open.keys()], [...asking], [...audits.keys()]]);
    if (text === last) return;
    last = text;
    draw();
  }

  return { show };
}
