// The UI's entry: the login page until a session is open, then the page
// picked from the address (#dashboard or #field; by default the one of the
// daemon's role), the header (user and role, logout, language, large type),
// the EXERCISE watermark, and a refresh whenever the daemon says its log
// grew.
import 'leaflet/dist/leaflet.css';
import './style.css';
import { api, listen, onLoggedOut } from './api.js';
import { t, toggleLang, currentLang } from './i18n.js';
import { setMe, currentUser, noLogin } from './session.js';
import { login } from './login.js';
import { dashboard } from './dashboard.js';
import { field } from './field.js';

let status = null;
let page = null;
let events = null;
let timer = null;
const $ = (id) => document.getElementById(id);

function pageName() {
  if (!currentUser()) return 'login';
  const h = location.hash.replace('#', '');
  if (h === 'dashboard' || h === 'field') return h;
  return status && status.role === 'agent' ? 'field' : 'dashboard';
}

function exercise() {
  return !!(status && status.exercise) || !!(page && page.exercise && page.exercise());
}

function watermark() {
  const ex = exercise();
  $('watermark').hidden = !ex;
  $('watermark').textContent = t('exerciseMark');
  document.body.classList.toggle('exercise', ex);
}

function header(name) {
  const me = currentUser();
  document.documentElement.lang = currentLang() === 'zh' ? 'zh-CN' : 'en';
  $('page-title').textContent = t(name);
  $('brand').textContent = t('brand');
  $('nav-dashboard').textContent = t('dashboard');
  $('nav-field').textContent = t('field');
  $('nav-dashboard').hidden = !me;
  $('nav-field').hidden = !me || !status || status.role !== 'agent';
  $('lang').textContent = t('switchLang');
  $('large').textContent = t('largeType');
  $('large').setAttribute('aria-pressed', document.body.classList.contains('large') ? 'true' : 'false');
  $('node').textContent = status ? t('node', status) : '';
  $('who').hidden = !me || noLogin();
  $('who-name').textContent = me && !noLogin() ? me.user : '';
  $('who-role').textContent = me && !noLogin() ? t('roles')[me.role] || me.role : '';
  $('logout').textContent = t('logout');
  document.title = `${t('brand')} · ${t(name)}`;
}

async function show() {
  const name = pageName();
  document.body.dataset.ready = '0';
  header(name);
  const root = $('app');
  document.body.dataset.page = name;
  if (page && page.destroy) page.destroy();
  page = null;
  if (name === 'login') {
    page = login(root, loggedIn);
  } else {
    page = name === 'field' ? field(root) : dashboard(root);
    await page.start();
  }
  watermark();
  document.body.dataset.ready = '1';
}

async function refresh() {
  if (!currentUser()) return;
  status = await api.status();
  $('node').textContent = t('node', status);
  if (page && page.refresh) await page.refresh();
  watermark();
}

function live(on) {
  if (events) events.close();
  events = null;
  clearInterval(timer);
  timer = null;
  if (!on) return;
  let pending = null;
  events = listen(() => {
    // Many events at once make one refresh.
    if (pending) return;
    pending = setTimeout(() => { pending = null; refresh().catch(() => {}); }, 150);
  });
  timer = setInterval(() => refresh().catch(() => {}), 5000);
}

async function loggedIn(me) {
  setMe(me);
  status = await api.status();
  live(true);
  await show();
}

function loggedOut() {
  setMe(null);
  live(false);
  show();
}

onLoggedOut(() => { if (currentUser()) loggedOut(); });

$('lang').addEventListener('click', () => {
  toggleLang();
  show();
});
$('large').addEventListener('click', () => {
  const on = !document.body.classList.contains('large');
  document.body.classList.toggle('large', on);
  localStorage.setItem('xy-large', on ? '1' : '0');
  if (currentUser()) show(); else header(pageName());
});
$('logout').addEventListener('click', async () => {
  try { await api.logout(); } catch { /* the session is gone either way */ }
  loggedOut();
});
window.addEventListener('hashchange', () => { if (currentUser()) show(); });
document.body.classList.toggle('large', localStorage.getItem('xy-large') === '1');

async function boot() {
  try {
    const me = await api.me();
    await loggedIn(me);
  } catch (e) {
    if (e.status === 404 && !e.field) {
      // A daemon without login: everything it serves is open.
      await loggedIn({ noLogin: true, permissions: [] });
    } else if (e.status === 401) {
      await show();
    } else {
      throw e;
    }
  }
}

boot().catch((e) => { $('app').textContent = t('error', e); });
