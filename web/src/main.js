// The UI's entry: picks the page from the address (#dashboard or #field;
// by default the one of the daemon's role), the language, the EXERCISE
// watermark, and refreshes the page when the daemon says its log grew.
import './style.css';
import { api, listen } from './api.js';
import { t, toggleLang, currentLang } from './i18n.js';
import { dashboard } from './dashboard.js';
import { field } from './field.js';

let status = null;
let page = null;

function pageName() {
  const h = location.hash.replace('#', '');
  if (h === 'dashboard' || h === 'field') return h;
  return status && status.role === 'agent' ? 'field' : 'dashboard';
}

async function watermark() {
  const incidents = await api.incidents();
  const ex = incidents.length > 0 && incidents.some((i) => i.exercise);
  document.getElementById('watermark').hidden = !ex;
  document.getElementById('watermark').textContent = t('exerciseMark');
  document.body.classList.toggle('exercise', ex);
}

async function show() {
  const name = pageName();
  document.documentElement.lang = currentLang() === 'zh' ? 'zh-CN' : 'en';
  document.getElementById('page-title').textContent = t(name);
  document.getElementById('brand').textContent = t('brand');
  document.getElementById('nav-dashboard').textContent = t('dashboard');
  document.getElementById('nav-field').textContent = t('field');
  document.getElementById('nav-field').hidden = !status || status.role !== 'agent';
  document.getElementById('lang').textContent = t('switchLang');
  document.getElementById('node').textContent = status ? t('node', status) : '';
  document.title = `${t('brand')} · ${t(name)}`;
  const root = document.getElementById('app');
  document.body.dataset.page = name;
  page = name === 'field' ? field(root) : dashboard(root);
  await (page.start ? page.start() : page.refresh());
  await watermark();
  document.body.dataset.ready = '1';
}

async function refresh() {
  status = await api.status();
  document.getElementById('node').textContent = t('node', status);
  if (page) await page.refresh();
  await watermark();
}

document.getElementById('lang').addEventListener('click', () => {
  toggleLang();
  show();
});
window.addEventListener('hashchange', show);

let pending = null;
listen(() => {
  // Many events at once make one refresh.
  if (pending) return;
  pending = setTimeout(() => { pending = null; refresh().catch(() => {}); }, 150);
});
setInterval(() => refresh().catch(() => {}), 5000);

api.status().then((s) => { status = s; return show(); })
  .catch((e) => { document.getElementById('app').textContent = t('error', e); });
