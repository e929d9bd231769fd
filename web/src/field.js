// The field laptop page: sync state, registering a person, screening them
// with PHQ-9 or C-SSRS, the level and what to do now, and whether each red
// flag raised here has been acknowledged by the command center.
import { api } from './api.js';
import { t, esc, levelName, currentLang } from './i18n.js';

const VULNS = ['child', 'older_adult', 'perinatal', 'disability', 'bereaved',
  'mental_illness', 'prior_trauma'];
const short = (id) => String(id || '').slice(0, 8);

function answerLabels(name, item) {
  if (name === 'C-SSRS' && item === 6) return t('cssrsItem6');
  return t('answers')[name] || [];
}

export function field(root) {
  let instruments = [];
  let incidents = [];
  let person = null;
  let outcome = null;

  root.innerHTML = `
    <section><h2>${esc(t('sync'))}</h2><p id="sync" data-testid="sync"></p></section>
    <section>
      <h2>${esc(t('register'))}</h2>
      <form id="reg" data-testid="register">
        <label>${esc(t('incident'))} <select name="incident" required></select></label>
        <label>${esc(t('ageBand'))} <select name="age_band">
          ${Array.from({ length: 25 }, (_, i) => i * 5).map((a) =>
            `<option value="${a}" ${a === 30 ? 'selected' : ''}>${a}–${a + 4}</option>`).join('')}
        </select></label>
        <label>${esc(t('sex'))} <select name="sex">
          ${Object.entries(t('sexes')).map(([v, l]) => `<option value="${v}">${esc(l)}</option>`).join('')}
        </select></label>
        <label>${esc(t('site'))} <input name="site" required maxlength="100"></label>
        <fieldset><legend>${esc(t('vulnerability'))}</legend>
          ${VULNS.map((v) => `<label class="inline"><input type="checkbox" name="vuln" value="${v}">
            ${esc(t('vulns')[v])}</label>`).join('')}
        </fieldset>
        <button type="submit">${esc(t('registerBtn'))}</button>
        <output id="reg-out" data-testid="registered"></output>
      </form>
    </section>
    <section>
      <h2>${esc(t('screen'))}</h2>
      <form id="scr" data-testid="screen">
        <p id="who">${esc(t('choosePerson'))}</p>
        <label>${esc(t('instrument'))} <select name="instrument"></select></label>
        <div id="items"></div>
        <button type="submit">${esc(t('triageBtn'))}</button>
        <output id="scr-err"></output>
      </form>
      <div id="outcome" data-testid="outcome"></div>
    </section>
    <section><h2>${esc(t('myFlags'))}</h2><div id="myflags" data-testid="my-flags"></div></section>`;

  const reg = root.querySelector('#reg');
  const scr = root.querySelector('#scr');

  function drawItems() {
    const ins = instruments.find((i) => i.name === scr.instrument.value);
    const box = root.querySelector('#items');
    if (!ins) { box.innerHTML = ''; return; }
    box.innerHTML = ins.items.map(([lo, hi], k) => {
      const n = k + 1;
      const labels = answerLabels(ins.name, n);
      const opts = [];
      for (let v = lo; v <= hi; v++)
        opts.push(`<label class="inline"><input type="radio" name="q${n}" value="${v}"
          data-testid="q${n}-${v}"> ${v} ${esc(labels[v] || '')}</label>`);
      const skip = ins.name === 'C-SSRS' && n >= 3 && n <= 5
        ? ` <small>${esc(t('notAsked'))}</small>` : '';
      const optional = n > ins.required ? ' optional' : '';
      return `<fieldset class="item${optional}" data-item="${n}"><legend>${esc(t('item', n))}${skip}</legend>${opts.join('')}</fieldset>`;
    }).join('');
    box.addEventListener('change', gate);
    gate();
  }

  // C-SSRS items 3-5 are asked only after a "yes" to item 2.
  function gate() {
    if (scr.instrument.value !== 'C-SSRS') return;
    const yes2 = scr.querySelector('input[name="q2"]:checked')?.value === '1';
    for (const n of [3, 4, 5])
      for (const r of scr.querySelectorAll(`input[name="q${n}"]`)) {
        r.disabled = !yes2;
        if (!yes2) r.checked = false;
      }
  }

  function drawOutcome() {
    const box = root.querySelector('#outcome');
    if (!outcome) { box.innerHTML = ''; return; }
    const zh = currentLang() === 'zh';
    box.innerHTML = `
      <p class="level level-${esc(outcome.level.toLowerCase())}" data-testid="level">
        ${esc(t('level'))}: ${esc(levelName(outcome.level))}</p>
      ${outcome.red_flag ? `<p class="redflag" data-testid="red-flag">${esc(t('redFlag'))}</p>` : ''}
      <p><strong>${esc(t('why'))}:</strong> ${esc(zh ? outcome.reason_zh : outcome.reason_en)}</p>
      <h3>${esc(t('doNow'))}</h3>
      <pre class="guidance">${esc(zh ? outcome.guidance_zh : outcome.guidance_en)}</pre>`;
  }

  reg.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = root.querySelector('#reg-out');
    const inc = incidents.find((i) => i.id === reg.incident.value);
    const body = {
      incident: reg.incident.value,
      age_band: Number(reg.age_band.value),
      site: reg.site.value.trim(),
      vulnerability: [...reg.querySelectorAll('input[name="vuln"]:checked')].map((c) => c.value),
      exercise: !!(inc && inc.exercise),
    };
    if (reg.sex.value) body.sex = reg.sex.value;
    try {
      const r = await api.addPerson(body);
      person = r.id;
      out.textContent = t('registered', short(r.id));
      out.dataset.person = r.id;
      root.querySelector('#who').textContent = `${t('person')} ${short(r.id)}`;
    } catch (e) {
      out.textContent = t('error', e);
    }
  });

  scr.instrument.addEventListener('change', drawItems);
  scr.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = root.querySelector('#scr-err');
    err.textContent = '';
    if (!person) { err.textContent = t('choosePerson'); return; }
    const ins = instruments.find((i) => i.name === scr.instrument.value);
    const answers = ins.items.map((_, k) => {
      const c = scr.querySelector(`input[name="q${k + 1}"]:checked`);
      return c ? Number(c.value) : null;
    });
    try {
      outcome = await api.triage({ person, screens: { [ins.name]: answers } });
      drawOutcome();
      await refresh();
    } catch (e) {
      err.textContent = t('error', e);
    }
  });

  async function refresh() {
    const [status, incs, flags] = await Promise.all([
      api.status(), api.incidents(), api.flags(false)]);
    const live = status.live || {};
    const state = live.sync && t('syncStates')[live.sync];
    root.querySelector('#sync').textContent = live.sync === 'offline (not joined)'
      ? t('offline')
      : `${state || live.sync || ''} · ${t('backlog', live.backlog ?? 0)}`;
    root.querySelector('#sync').dataset.state = live.sync || '';
    if (incs.length !== incidents.length) {
      const keep = reg.incident.value;
      reg.incident.innerHTML = incs.map((i) =>
        `<option value="${esc(i.id)}">${esc(i.title)}${i.exercise ? ` (${esc(t('exercise'))})` : ''}</option>`).join('');
      if (keep) reg.incident.value = keep;
    }
    incidents = incs;
    root.querySelector('#myflags').innerHTML = flags.length ? flags.map((f) => `
      <div class="flag ${f.acknowledged_by ? 'acked' : 'open'}" data-testid="my-flag" data-flag="${esc(f.id)}">
        <strong>${esc(t('flag'))} ${esc(short(f.id))}</strong> · ${esc(t('person'))} ${esc(short(f.person))}:
        <span data-testid="ack-state">${esc(f.acknowledged_by ? t('acked', f.acknowledged_by, f.action) : t('open'))}</span>
      </div>`).join('') : `<p>${esc(t('none'))}</p>`;
    return { status, incidents, flags };
  }

  async function start() {
    instruments = (await api.instruments()).filter((i) => i.name === 'PHQ-9' || i.name === 'C-SSRS');
    scr.instrument.innerHTML = instruments.map((i) =>
      `<option value="${esc(i.name)}">${esc(i.name)} · ${esc(currentLang() === 'zh' ? i.title_zh : i.title_en)}</option>`).join('');
    drawItems();
    return refresh();
  }

  return { start, refresh };
}
