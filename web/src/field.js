// The field laptop page: sync state, registering a person, screening them
// with PHQ-9 or C-SSRS, the level and what to do now, whether each red flag
// raised here has been acknowledged, the team's orders with acknowledge,
// handoff to a service with consent, and the people registered. Everything
// here reads and writes the agent's own store: it works with the
// coordinator unreachable.
import { api } from './api.js';
import { t, esc, levelName, currentLang } from './i18n.js';
import { can } from './session.js';
import { personsView } from './persons.js';
import { when } from './dashboard.js';

const VULNS = ['child', 'older_adult', 'perinatal', 'disability', 'bereaved',
  'mental_illness', 'prior_trauma'];
const short = (id) => String(id || '').slice(0, 8);
const settle = (p) => p.then((v) => v, () => null);

function answerLabels(name, item) {
  if (name === 'C-SSRS' && item === 6) return t('cssrsItem6');
  return t('answers')[name] || [];
}

function registerForm() {
  return `
    <section id="sec-register"><h2>${esc(t('register'))}</h2>
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
    <section id="sec-screen"><h2>${esc(t('screen'))}</h2>
      <form id="scr" data-testid="screen">
        <p id="who-person">${esc(t('choosePerson'))}</p>
        <label>${esc(t('instrument'))} <select name="instrument"></select></label>
        <div id="items"></div>
        <button type="submit">${esc(t('triageBtn'))}</button>
        <output id="scr-err" class="error"></output>
      </form>
      <div id="outcome" data-testid="outcome"></div>
    </section>`;
}

export function field(root) {
  let instruments = [];
  let incidents = [];
  let person = null;
  let outcome = null;
  let persons = null;
  let services = [];
  let personList = [];
  const last = {};
  const typedOrders = new Map();

  root.innerHTML = `
    <div class="field" data-testid="field">
      <section id="sec-sync"><h2>${esc(t('sync'))}</h2><p id="sync" data-testid="sync"></p></section>
      ${can('register') ? registerForm() : ''}
      <section id="sec-flags"><h2>${esc(t('myFlags'))}</h2><div id="myflags" data-testid="my-flags"></div></section>
      <section id="sec-orders" hidden><h2>${esc(t('orders'))}</h2><div id="orders" data-testid="orders"></div></section>
      ${can('handoff') ? `<section id="sec-handoff" hidden><h2>${esc(t('handoff'))}</h2>
        <form id="handoff" data-testid="handoff">
          <label>${esc(t('person'))} <select name="person" required></select></label>
          <label>${esc(t('service'))} <select name="service" required></select></label>
          <label class="wide">${esc(t('summary'))} <textarea name="summary" maxlength="1000" rows="2"></textarea></label>
          <label class="inline"><input type="checkbox" name="consent" required> ${esc(t('consent'))}</label>
          <button type="submit">${esc(t('handoffBtn'))}</button>
          <output data-testid="handoff-out"></output>
        </form></section>` : ''}
      ${can('persons') ? `<section id="sec-persons"><h2>${esc(t('personsList'))}</h2><div class="body"></div></section>` : ''}
    </div>`;

  const reg = root.querySelector('#reg');
  const scr = root.querySelector('#scr');
  const hand = root.querySelector('#handoff');
  if (can('persons'))
    persons = personsView(root.querySelector('#sec-persons .body'), scr ? choose : null);

  // Picks a person already registered for the next screen.
  function choose(id) {
    person = id;
    outcome = null;
    drawOutcome();
    root.querySelector('#who-person').textContent = `${t('person')} ${short(id)}`;
    root.querySelector('#sec-screen').scrollIntoView({ block: 'start' });
  }

  function put(id, key, html) {
    const k = JSON.stringify([key, currentLang()]);
    if (last[id] === k) return false;
    last[id] = k;
    root.querySelector(id).innerHTML = html;
    return true;
  }

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

  async function register(ev) {
    ev.preventDefault();
    const out = root.querySelector('#reg-out');
    const inc = incidents.find((i) => i.id === reg.incident.value);
    const body = {
      incident: reg.incident.value,
      age_band: Number(reg.age_band.value),
      site: reg.site.value.trim(),
      vulnerability: [...reg.querySelectorAll('input[name="vuln"]:checked')].map((c) => c.value),
      exercise: !!(inc && inc.exercise),
      language: currentLang(),
    };
    if (reg.sex.value) body.sex = reg.sex.value;
    try {
      const r = await api.addPerson(body);
      person = r.id;
      out.textContent = t('registered', short(r.id));
      out.dataset.person = r.id;
      root.querySelector('#who-person').textContent = `${t('person')} ${short(r.id)}`;
      outcome = null;
      drawOutcome();
    } catch (e) {
      out.textContent = t('error', e);
    }
  }

  async function triage(ev) {
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
  }

  if (reg) {
    reg.addEventListener('submit', register);
    scr.instrument.addEventListener('change', drawItems);
    root.querySelector('#items').addEventListener('change', gate);
    scr.addEventListener('submit', triage);
  }
  if (hand) {
    hand.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const out = hand.querySelector('output');
      try {
        await api.handoff({ person: hand.person.value, service: hand.service.value,
          consent: hand.consent.checked, summary: hand.summary.value.trim() });
        out.className = 'ok';
        out.textContent = t('handedOff');
        hand.summary.value = '';
        hand.consent.checked = false;
      } catch (e) {
        out.className = 'error';
        out.textContent = t('error', e);
      }
    });
  }

  function drawSync(st) {
    const live = st.live || {};
    const state = live.sync && t('syncStates')[live.sync];
    const el = root.querySelector('#sync');
    const online = live.sync === 'active';
    el.textContent = live.sync === 'offline (not joined)'
      ? t('offline')
      : `${state || live.sync || ''} · ${t('backlog', live.backlog ?? 0)}`;
    el.dataset.state = live.sync || '';
    el.className = online ? 'online' : 'offline';
  }

  function drawIncidentChoice() {
    if (!reg) return;
    const key = JSON.stringify([incidents.map((i) => i.id), currentLang()]);
    if (reg.incident.dataset.key === key) return;
    const keep = reg.incident.value;
    reg.incident.innerHTML = incidents.map((i) =>
      `<option value="${esc(i.id)}">${esc(i.title)}${i.exercise ? ` (${esc(t('exercise'))})` : ''}</option>`).join('');
    if (keep) reg.incident.value = keep;
    reg.incident.dataset.key = key;
  }

  function drawFlags(flags) {
    put('#myflags', flags, flags.length ? flags.map((f) => `
      <div class="flag ${f.acknowledged_by ? 'acked' : 'open'}" data-testid="my-flag" data-flag="${esc(f.id)}">
        <strong>${esc(t('flag'))} ${esc(short(f.id))}</strong> · ${esc(t('person'))} ${esc(short(f.person))}:
        <span data-testid="ack-state">${esc(f.acknowledged_by ? t('acked', f.acknowledged_by, f.action) : t('open'))}</span>
      </div>`).join('') : `<p>${esc(t('none'))}</p>`);
  }

  function orderRow(o) {
    const by = o.acked_by || o.acknowledged_by;
    const acked = o.acked === true || !!by;
    return `<form class="order ${acked ? 'acked' : 'open'}" data-order="${esc(o.id)}" data-testid="order">
      <div><strong>${esc(t('order'))} ${esc(short(o.id))}</strong> · ${esc(t('zone'))} ${esc(o.zone_name || short(o.zone))}
        · ${esc(when(o.ordered_at))}${o.exercise ? ` <span class="tag">${esc(t('exercise'))}</span>` : ''}
        ${o.overdue && !acked ? `<span class="tag overdue">${esc(t('orderOverdue'))}</span>` : ''}</div>
      ${o.explanation ? `<div class="muted">${esc(o.explanation)}</div>` : ''}
      ${acked ? `<span data-testid="order-acked">${esc(t('orderAcked', by || ''))}</span>`
        : can('ack_orders') ? `<label>${esc(t('ackBy'))} <input name="by" required maxlength="64"></label>
          <button type="submit">${esc(t('ackOrder'))}</button>` : `<span>${esc(t('open'))}</span>`}
      <output class="error"></output></form>`;
  }

  function drawOrders(orders) {
    root.querySelector('#sec-orders').hidden = !Array.isArray(orders);
    if (!Array.isArray(orders)) return;
    if (!put('#orders', orders, orders.length ? orders.map(orderRow).join('') : `<p>${esc(t('noOrders'))}</p>`)) return;
    for (const form of root.querySelectorAll('#orders form.order')) {
      if (!form.by) continue;
      const id = form.dataset.order;
      form.by.value = typedOrders.get(id) || '';
      form.addEventListener('input', () => typedOrders.set(id, form.by.value));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          await api.ackOrder(id, form.by.value.trim());
          typedOrders.delete(id);
          await refresh();
        } catch (e) {
          form.querySelector('output').textContent = t('error', e);
        }
      });
    }
  }

  function drawHandoff() {
    if (!hand) return;
    root.querySelector('#sec-handoff').hidden = !services.length;
    const ids = personList.length ? personList.map((p) => p.id) : person ? [person] : [];
    const key = JSON.stringify([ids, services.map((s) => s.id), currentLang()]);
    if (hand.dataset.key === key) return;
    hand.dataset.key = key;
    const keepP = hand.person.value || person;
    const keepS = hand.service.value;
    hand.person.innerHTML = ids.map((id) => `<option value="${esc(id)}">${esc(short(id))}</option>`).join('');
    hand.service.innerHTML = services.map((s) => `<option value="${esc(s.id)}">${esc(s.name)}
      (${esc(t('serviceKinds')[s.kind] || s.kind)})</option>`).join('');
    if (keepP && ids.includes(keepP)) hand.person.value = keepP;
    if (keepS) hand.service.value = keepS;
  }

  async function refresh() {
    const [st, incs, flags, orders, svc, plist] = await Promise.all([
      api.status(), api.incidents(), api.flags(false), settle(api.orders()),
      can('handoff') ? settle(api.services()) : null,
      can('persons') ? settle(api.persons()) : null]);
    incidents = incs;
    services = Array.isArray(svc) ? svc : [];
    personList = Array.isArray(plist) ? plist : [];
    drawSync(st);
    drawIncidentChoice();
    drawFlags(flags);
    drawOrders(orders);
    drawHandoff();
    if (persons) persons.show(personList);
    return { status: st, incidents, flags };
  }

  async function start() {
    if (scr) {
      instruments = (await api.instruments()).filter((i) => i.name === 'PHQ-9' || i.name === 'C-SSRS');
      scr.instrument.innerHTML = instruments.map((i) =>
        `<option value="${esc(i.name)}">${esc(i.name)} · ${esc(currentLang() === 'zh' ? i.title_zh : i.title_en)}</option>`).join('');
      drawItems();
    }
    return refresh();
  }

  return { start, refresh, exercise: () => incidents.some((i) => i.exercise) };
}
