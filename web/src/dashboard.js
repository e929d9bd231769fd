// The command-center dashboard: people by triage level and by site, open
// red flags with the form to acknowledge them, and the incidents.
import { api } from './api.js';
import { t, esc, levelName, currentLang } from './i18n.js';

const LEVELS = ['immediate', 'high_risk', 'low_risk', 'untriaged'];
const short = (id) => String(id || '').slice(0, 8);
const when = (ms) =>
  (ms ? new Date(ms).toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB') : '');

export function dashboard(root) {
  // Typed names survive a refresh: the lists are redrawn, not the values.
  const typed = new Map();
  let data = { counts: { sites: [], levels: [] }, flags: [], incidents: [] };

  function draw() {
    const totals = Object.fromEntries(LEVELS.map((l) => [l, 0]));
    for (const r of data.counts.levels) totals[r.level] = (totals[r.level] || 0) + r.persons;
    const inc = new Map(data.incidents.map((i) => [i.id, i]));
    root.innerHTML = `
      <section class="cards" aria-label="${esc(t('levels'))}">
        <h2>${esc(t('levels'))}</h2>
        ${LEVELS.map((l) => `
          <div class="card level-${l}" data-testid="count-${l}">
            <span class="n">${totals[l]}</span><span>${esc(levelName(l))}</span>
          </div>`).join('')}
      </section>
      <section>
        <h2>${esc(t('openFlags'))}</h2>
        <div id="flags">${data.flags.length ? data.flags.map((f) => `
          <form class="flag" data-flag="${esc(f.id)}" data-testid="flag">
            <div><strong>${esc(t('flag'))}</strong> ${esc(short(f.id))}
              · ${esc(t('person'))} ${esc(short(f.person))}
              · ${esc((inc.get(f.incident) || {}).title || short(f.incident))}
              ${f.exercise ? `<span class="tag">${esc(t('exercise'))}</span>` : ''}
              ${f.overdue ? `<span class="tag overdue" data-testid="overdue">${esc(t('overdue'))}</span>` : ''}
              · ${esc(when(f.raised_at))}</div>
            <div class="reason">${esc(f.reason)}</div>
            <label>${esc(t('ackBy'))} <input name="by" required maxlength="64"></label>
            <label>${esc(t('ackAction'))} <input name="action" maxlength="200"></label>
            <button type="submit">${esc(t('ack'))}</button>
            <output></output>
          </form>`).join('') : `<p class="ok" data-testid="no-flags">${esc(t('noOpenFlags'))}</p>`}
        </div>
      </section>
      <section>
        <h2>${esc(t('sites'))}</h2>
        <table data-testid="sites"><thead><tr><th>${esc(t('site'))}</th><th>${esc(t('incident'))}</th>
          <th>${esc(t('persons'))}</th></tr></thead><tbody>
          ${data.counts.sites.map((s) => `<tr><td>${esc(s.site)}</td>
            <td>${esc((inc.get(s.incident) || {}).title || short(s.incident))}</td>
            <td>${s.persons}</td></tr>`).join('') || `<tr><td colspan="3">${esc(t('none'))}</td></tr>`}
        </tbody></table>
      </section>
      <section>
        <h2>${esc(t('incidents'))}</h2>
        <table><thead><tr><th>${esc(t('title'))}</th><th>${esc(t('hazard'))}</th>
          <th>${esc(t('respLevel'))}</th><th></th></tr></thead><tbody>
          ${data.incidents.map((i) => `<tr><td>${esc(i.title)}</td><td>${esc(i.hazard)}</td>
            <td>${esc(i.level)}</td><td>${i.exercise ? `<span class="tag">${esc(t('exercise'))}</span>` : ''}</td></tr>`).join('')
            || `<tr><td colspan="4">${esc(t('none'))}</td></tr>`}
        </tbody></table>
      </section>`;
    for (const form of root.querySelectorAll('form.flag')) {
      const id = form.dataset.flag;
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

  async function refresh() {
    const [counts, flags, incidents] = await Promise.all([
      api.counts(), api.flags(true), api.incidents()]);
    data = { counts, flags, incidents };
    draw();
    return data;
  }

  return { refresh, draw };
}
