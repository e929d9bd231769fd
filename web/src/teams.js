// The team board (GET /api/teams): each team's level, readiness, members,
// capacity, position and relief due; with `teams_edit` the readiness can be
// changed, and a team added or edited with the checks of `team add` /
// `team edit` (the daemon validates; its one-line error is shown).
import { api } from './api.js';
import { t, esc } from './i18n.js';
import { can } from './session.js';
import { READINESS } from './map.js';

const LEVELS = ['province', 'prefecture', 'county'];
const MEMBER_ROLES = ['psychiatrist', 'psychotherapist', 'counselor', 'social_worker', 'volunteer'];
const list = (s) => String(s || '').split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean);

function memberRow(m = {}) {
  return `<div class="member" data-testid="member">
    <input name="m_name" maxlength="64" value="${esc(m.name || '')}" placeholder="${esc(t('memberName'))}" aria-label="${esc(t('memberName'))}">
    <select name="m_role" aria-label="${esc(t('memberRole'))}">${MEMBER_ROLES.map((r) =>
      `<option value="${r}" ${m.role === r ? 'selected' : ''}>${esc(t('memberRoles')[r])}</option>`).join('')}</select>
    <input name="m_langs" maxlength="200" value="${esc((m.languages || []).join(', '))}" placeholder="${esc(t('languages'))}" aria-label="${esc(t('languages'))}">
    <button type="button" class="secondary" data-remove>${esc(t('remove'))}</button></div>`;
}

function teamForm(team) {
  const home = team.home || {};
  return `<form class="team-edit" data-testid="team-form">
    <h3>${esc(team.id ? t('editTeam', team.name) : t('addTeam'))}</h3>
    <label>${esc(t('teamName'))} <input name="name" required maxlength="100" value="${esc(team.name || '')}"></label>
    <label>${esc(t('teamLevel'))} <select name="level">${LEVELS.map((l) =>
      `<option value="${l}" ${team.level === l ? 'selected' : ''}>${esc(t('teamLevels')[l])}</option>`).join('')}</select></label>
    <label>${esc(t('baseLat'))} <input name="lat" type="number" step="any" min="-90" max="90" required value="${esc(home.lat ?? '')}"></label>
    <label>${esc(t('baseLon'))} <input name="lon" type="number" step="any" min="-180" max="180" required value="${esc(home.lon ?? '')}"></label>
    <label>${esc(t('maxDeployedDays'))} <input name="max_deployed_days" type="number" min="1" max="365" value="${esc(team.max_deployed_days ?? 14)}"></label>
    <label>${esc(t('minRestDays'))} <input name="min_rest_days" type="number" min="0" max="365" value="${esc(team.min_rest_days ?? 2)}"></label>
    <label>${esc(t('qualifications'))} <input name="qualifications" maxlength="300" value="${esc((team.qualifications || []).join(', '))}"></label>
    <fieldset><legend>${esc(t('members'))}</legend>
      <div class="members">${(team.members && team.members.length ? team.members : [{}]).map(memberRow).join('')}</div>
      <button type="button" class="secondary" data-add-member>${esc(t('addMember'))}</button>
    </fieldset>
    <button type="submit">${esc(t('save'))}</button>
    <button type="button" class="secondary" data-cancel>${esc(t('cancel'))}</button>
    <output class="error"></output>
  </form>`;
}

function formBody(form) {
  const members = [...form.querySelectorAll('.member')].map((m) => ({
    name: m.querySelector('[name="m_name"]').value.trim(),
    role: m.querySelector('[name="m_role"]').value,
    languages: list(m.querySelector('[name="m_langs"]').value),
  })).filter((m) => m.name);
  const languages = [...new Set(members.flatMap((m) => m.languages))];
  return {
    name: form.name.value.trim(),
    level: form.level.value,
    lat: Number(form.lat.value),
    lon: Number(form.lon.value),
    max_deployed_days: Number(form.max_deployed_days.value),
    min_rest_days: Number(form.min_rest_days.value),
    qualifications: list(form.qualifications.value),
    languages,
    members,
  };
}

export function teamBoard(box, onChange) {
  let teams = [];
  let editing = null; // the team whose form is open ({} for a new one)
  let last = '';

  function row(tm) {
    const pos = tm.position || tm.home || {};
    const ready = can('teams_edit')
      ? `<select data-readiness="${esc(tm.id)}" aria-label="${esc(t('readinessLabel'))}">${READINESS.map((r) =>
        `<option value="${r}" ${tm.readiness === r ? 'selected' : ''}>${esc(t('readiness')[r])}</option>`).join('')}</select>`
      : esc(t('readiness')[tm.readiness] || tm.readiness);
    return `<tr data-testid="team" class="ready-${esc(tm.readiness)}">
      <td>${esc(tm.name)}${tm.exercise ? ` <span class="tag">${esc(t('exercise'))}</span>` : ''}</td>
      <td>${esc(t('teamLevels')[tm.level] || tm.level)}</td>
      <td><span class="ready-dot"></span>${ready}</td>
      <td>${(tm.members || []).length}</td><td>${Number(tm.capacity) || 0}</td>
      <td>${esc((tm.languages || []).join(', '))}</td>
      <td>${pos.lat !== undefined ? `${Number(pos.lat).toFixed(3)}, ${Number(pos.lon).toFixed(3)}` : ''}</td>
      <td>${tm.relief_due ? `<span class="tag overdue">${esc(t('reliefDue'))}</span>` : ''}</td>
      <td>${can('teams_edit') ? `<button type="button" class="secondary" data-edit="${esc(tm.id)}">${esc(t('edit'))}</button>` : ''}</td>
    </tr>`;
  }

  function draw() {
    box.innerHTML = `
      <table data-testid="teams"><thead><tr><th>${esc(t('team'))}</th><th>${esc(t('teamLevel'))}</th>
        <th>${esc(t('readinessLabel'))}</th><th>${esc(t('members'))}</th><th>${esc(t('capacity'))}</th>
        <th>${esc(t('languages'))}</th><th>${esc(t('position'))}</th><th></th><th></th></tr></thead>
        <tbody>${teams.map(row).join('') || `<tr><td colspan="9">${esc(t('noTeams'))}</td></tr>`}</tbody></table>
      ${can('teams_edit') && !editing ? `<button type="button" data-add-team data-testid="add-team">${esc(t('addTeam'))}</button>` : ''}
      <output class="error" data-testid="team-error"></output>
      ${editing ? teamForm(editing) : ''}`;
    wire();
  }

  function wire() {
    const out = box.querySelector('[data-testid="team-error"]');
    for (const sel of box.querySelectorAll('select[data-readiness]'))
      sel.addEventListener('change', async () => {
        try {
          await api.teamStatus(sel.dataset.readiness, sel.value);
          await onChange();
        } catch (e) {
          out.textContent = t('error', e);
        }
      });
    for (const b of box.querySelectorAll('[data-edit]'))
      b.addEventListener('click', () => { editing = teams.find((x) => x.id === b.dataset.edit); draw(); });
    box.querySelector('[data-add-team]')?.addEventListener('click', () => { editing = {}; draw(); });
    const form = box.querySelector('form.team-edit');
    if (!form) return;
    form.querySelector('[data-add-member]').addEventListener('click', () =>
      form.querySelector('.members').insertAdjacentHTML('beforeend', memberRow()));
    form.addEventListener('click', (ev) => {
      if (ev.target.matches('[data-remove]')) ev.target.closest('.member').remove();
    });
    form.querySelector('[data-cancel]').addEventListener('click', () => { editing = null; draw(); });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const body = formBody(form);
        if (editing.id) await api.editTeam(editing.id, body);
        else await api.addTeam(body);
        editing = null;
        last = '';
        await onChange();
      } catch (e) {
        form.querySelector('output').textContent = t('error', e);
      }
    });
  }

  // teams: the daemon's list (null: no team route).
  function show(list) {
    teams = Array.isArray(list) ? list : [];
    const text = JSON.stringify([teams, t('team'), can('teams_edit')]);
    // An open form is not redrawn under the user's hands.
    if (text === last || editing) return;
    last = text;
    draw();
  }

  return { show, teams: () => teams };
}
