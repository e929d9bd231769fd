// Drives the web UI in Debian's chromium with playwright-core (installed in
// web/node_modules; no browser download). Run by test_web.c, one phase per
// call, each in a fresh browser that logs in through the login page:
//   node ui.mjs field     AGENT_URL SHOTS USER PASS  wrong password, login,
//                                                   register, C-SSRS triage,
//                                                   handoff, personal data
//   node ui.mjs dashboard COORD_URL SHOTS USER PASS  count, flag, map, zones;
//                                                   acknowledge; English
//   node ui.mjs observer  COORD_URL SHOTS USER PASS  no person list, no
//                                                   personal data; logout
//   node ui.mjs acked     AGENT_URL SHOTS USER PASS  the field page shows
//                                                   the acknowledgement; the
//                                                   order is acknowledged
// Prints one JSON line of what it saw; exits non-zero on any failure.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../web/package.json'));
const { chromium } = require('playwright-core');

const [phase, url, shots, user, password, named] = process.argv.slice(2);
const WAIT = 60000;
const WALL = { width: 1920, height: 1080 };
const LAPTOP = { width: 1280, height: 1000 };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync'],
});
const page = await browser.newPage({ viewport: phase === 'dashboard' || phase === 'observer' ? WALL : LAPTOP });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
const outside = [];
page.on('request', (r) => {
  const u = new URL(r.url());
  if (['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) && u.hostname !== '127.0.0.1')
    outside.push(r.url());
});
const seen = { phase };
const text = async (sel) => ((await page.textContent(sel)) || '').replace(/\s+/g, ' ').trim();
const shot = (name) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });

// Leaflet paths of a layer class that are drawn (those outside the view
// are clipped to "M0 0").
const drawn = (cls) => page.$$eval(`#map .leaflet-overlay-pane path.${cls}`,
  (ps) => ps.filter((p) => (p.getAttribute('d') || '').length > 8).length);
const waitDrawn = (cls) => page.waitForFunction((c) =>
  [...document.querySelectorAll(`#map .leaflet-overlay-pane path.${c}`)]
    .some((p) => (p.getAttribute('d') || '').length > 8), cls, { timeout: WAIT });

async function ready() {
  await page.waitForSelector('body[data-ready="1"]', { timeout: WAIT });
}

async function login(name, pass) {
  await page.waitForSelector('[data-testid="login"]', { timeout: WAIT });
  await page.fill('#login-form input[name="user"]', name);
  await page.fill('#login-form input[name="password"]', pass);
  await page.click('#login-form button[type="submit"]');
}

async function loginOk() {
  await login(user, password);
  await page.waitForSelector('body[data-ready="1"]:not([data-page="login"])', { timeout: WAIT });
  seen.who = await text('[data-testid="who"]');
}

async function field() {
  await page.goto(`${url}/`);
  await ready();
  await login(user, `${password}-wrong`);
  await page.waitForFunction(() => document.querySelector('[data-testid="login-error"]')?.textContent,
    null, { timeout: WAIT });
  seen.login_error = await text('[data-testid="login-error"]');
  await shot('login');
  await loginOk();
  seen.page = await page.getAttribute('body', 'data-page');
  seen.sync = await text('[data-testid="sync"]');
  await page.fill('#reg input[name="site"]', '泸定县第一安置点');
  await page.selectOption('#reg select[name="age_band"]', '35');
  await page.selectOption('#reg select[name="sex"]', 'female');
  await page.check('#reg input[value="bereaved"]');
  await page.click('#reg button[type="submit"]');
  await page.waitForSelector('#reg-out[data-person]', { timeout: WAIT });
  seen.person = await page.getAttribute('#reg-out', 'data-person');
  await page.selectOption('#scr select[name="instrument"]', 'C-SSRS');
  for (const [q, v] of [[1, 1], [2, 1], [3, 1], [4, 1], [5, 0], [6, 0]])
    await page.check(`[data-testid="q${q}-${v}"]`);
  await shot('field-screen');
  await page.click('#scr button[type="submit"]');
  await page.waitForSelector('[data-testid="level"]', { timeout: WAIT });
  seen.level = await text('[data-testid="level"]');
  seen.red_flag = await page.isVisible('[data-testid="red-flag"]');
  seen.do_now = await text('.guidance');
  await page.waitForSelector('[data-testid="my-flag"].open', { timeout: WAIT });
  seen.watermark = await page.isVisible('#watermark');
  // Handoff to the hotline, with consent.
  await page.waitForSelector('#sec-handoff:not([hidden])', { timeout: WAIT });
  await page.selectOption('#handoff select[name="person"]', seen.person);
  await page.fill('#handoff textarea[name="summary"]', '丧亲，需要持续电话随访');
  await page.check('#handoff input[name="consent"]');
  await page.click('#handoff button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="handoff-out"]')?.textContent,
    null, { timeout: WAIT });
  seen.handoff = await text('[data-testid="handoff-out"]');
  // Personal data only on an explicit action, after the notice.
  const row = `[data-testid="person"][data-person="${seen.person}"]`;
  await page.waitForSelector(`${row} [data-testid="show-personal"]`, { timeout: WAIT });
  await page.click(`${row} [data-testid="show-personal"]`);
  seen.notice = await text('[data-testid="recorded"]');
  await page.click('[data-testid="confirm-personal"]');
  await page.waitForSelector('[data-testid="sealed"], [data-testid="personal"]', { timeout: WAIT });
  seen.personal_view = await page.isVisible('[data-testid="sealed"]') ? 'sealed' : 'personal';
  // The person registered with a name at the command line.
  const nrow = `[data-testid="person"][data-person="${named}"]`;
  await page.click(`${nrow} [data-testid="show-personal"]`);
  await page.click('[data-testid="confirm-personal"]');
  await page.waitForSelector('[data-testid="personal"]', { timeout: WAIT });
  seen.named_view = await text('[data-testid="personal"]');
  await shot('field-triaged');
}

async function dashboard() {
  await page.goto(`${url}/#dashboard`);
  await ready();
  await loginOk();
  // Synced from the agent once the coordinator is up: the page refreshes
  // itself on the daemon's notices.
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="count-immediate"] .n')?.textContent === '1',
  null, { timeout: WAIT });
  await page.waitForSelector('[data-testid="flag"]', { timeout: WAIT });
  await waitDrawn('xy-province');
  await waitDrawn('xy-zone');
  await page.waitForSelector('[data-testid="zones"] tbody tr.short, [data-testid="zones"] tbody tr.covered',
    { timeout: WAIT });
  seen.flags = await page.locator('[data-testid="flag"]').count();
  seen.flag_reason = await page.textContent('[data-testid="flag"] .reason');
  seen.provinces = await page.locator('#map .leaflet-overlay-pane path.xy-province').count();
  seen.provinces_drawn = await drawn('xy-province');
  seen.counties = await drawn('xy-county');
  seen.zones = await drawn('xy-zone');
  seen.team_markers = await page.locator('#map .leaflet-overlay-pane path.xy-team').count();
  seen.zone_rows = await page.locator('[data-testid="zones"] tbody tr').count();
  seen.chart = await page.isVisible('[data-testid="zone-chart"]');
  seen.teams = await page.locator('[data-testid="team"]').count();
  seen.sites = await text('[data-testid="sites"]');
  seen.persons = await page.locator('[data-testid="person"]').count();
  seen.show_personal = await page.locator('[data-testid="show-personal"]').count();
  seen.watermark = await page.isVisible('#watermark');
  // Who viewed the named person's personal data (the view syncs in).
  const abtn = `[data-testid="person"][data-person="${named}"] [data-testid="show-audit"]`;
  const until = Date.now() + WAIT;
  for (;;) {
    await page.click(abtn);
    await page.waitForSelector('[data-testid="audit"], [data-testid="audit-none"]', { timeout: WAIT });
    if (await page.locator('[data-testid="audit-row"]').count()) break;
    if (Date.now() > until) throw new Error('no view of personal data reached the coordinator');
    await page.click(abtn); // hide, and ask again
    await page.waitForTimeout(500);
  }
  seen.audit = await text('[data-testid="audit"]');
  seen.label_zh = await text('#sec-levels h2');
  await shot('dashboard-zh');
  await page.fill('[data-testid="flag"] input[name="by"]', '李医生 Dr Li');
  await page.fill('[data-testid="flag"] input[name="action"]', '已电话联系，队医前往');
  await page.click('[data-testid="flag"] button[type="submit"]');
  await page.waitForSelector('[data-testid="no-flags"]', { timeout: WAIT });
  // The team board: readiness, then an edit the daemon refuses (a member
  // without a name is dropped, leaving none) and one it takes.
  await page.selectOption('[data-testid="team"] select[data-readiness]', 'deployed');
  await page.waitForFunction(() => document.querySelector('[data-testid="team"]')
    ?.classList.contains('ready-deployed'), null, { timeout: WAIT });
  await page.click('[data-testid="team"] [data-edit]');
  await page.fill('[data-testid="team-form"] input[name="m_name"]', '');
  await page.click('[data-testid="team-form"] button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="team-form"] output')?.textContent,
    null, { timeout: WAIT });
  seen.team_error = await text('[data-testid="team-form"] output');
  await page.fill('[data-testid="team-form"] input[name="name"]', '四川省心理援助一队（加强）');
  await page.fill('[data-testid="team-form"] input[name="m_name"]', '王医生');
  await page.click('[data-testid="team-form"] [data-add-member]');
  await page.fill('[data-testid="team-form"] .member:last-child input[name="m_name"]', '李芳');
  await page.selectOption('[data-testid="team-form"] .member:last-child select[name="m_role"]', 'counselor');
  await page.fill('[data-testid="team-form"] .member:last-child input[name="m_langs"]', 'zh, sichuanese');
  await page.click('[data-testid="team-form"] button[type="submit"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="team-form"]')
    && document.querySelector('[data-testid="team"]')?.textContent.includes('加强'), null, { timeout: WAIT });
  seen.team_row = await text('[data-testid="team"]');
  await page.click('#lang');
  await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: WAIT });
  await ready();
  await waitDrawn('xy-province');
  seen.label_en = await text('#sec-levels h2');
  seen.english = await text('h1');
  await shot('dashboard-en');
  // The choice is remembered.
  await page.reload();
  await ready();
  seen.english_after_reload = await text('h1');
}

async function observer() {
  await page.goto(`${url}/`);
  await ready();
  await loginOk();
  await page.waitForSelector('[data-testid="count-immediate"]', { timeout: WAIT });
  await waitDrawn('xy-province');
  seen.person_lists = await page.locator('[data-testid="persons"]').count();
  seen.show_personal = await page.locator('[data-testid="show-personal"]').count();
  seen.ack_inputs = await page.locator('[data-testid="flag"] input').count();
  seen.edit_buttons = await page.locator('[data-edit], [data-add-team]').count();
  seen.readiness_selects = await page.locator('select[data-readiness]').count();
  // The daemon refuses what the page does not offer.
  seen.api_persons = await page.evaluate(async () => (await fetch('/api/persons')).status);
  seen.api_audit = await page.evaluate(async (p) => (await fetch(`/api/audit?person=${p}`)).status,
    '0'.repeat(32));
  await shot('dashboard-observer');
  await page.click('[data-testid="logout"]');
  await page.waitForSelector('[data-testid="login"]', { timeout: WAIT });
  seen.after_logout = await page.evaluate(async () => (await fetch('/api/status')).status);
}

async function acked() {
  await page.goto(`${url}/#field`);
  await ready();
  await loginOk();
  await page.waitForSelector('[data-testid="my-flag"].acked', { timeout: WAIT });
  seen.ack = await text('[data-testid="ack-state"]');
  seen.sync = await text('[data-testid="sync"]');
  await page.waitForSelector('[data-testid="order"].open input[name="by"]', { timeout: WAIT });
  seen.order = await text('[data-testid="order"]');
  await page.fill('[data-testid="order"] input[name="by"]', '李队长');
  await page.click('[data-testid="order"] button[type="submit"]');
  await page.waitForSelector('[data-testid="order-acked"]', { timeout: WAIT });
  seen.order_acked = await text('[data-testid="order-acked"]');
  await shot('field-acked');
}

const phases = { field, dashboard, observer, acked };
try {
  if (!phases[phase]) throw new Error(`unknown phase ${phase}`);
  await phases[phase]();
  seen.errors = errors;
  seen.outside = outside;
  console.log(JSON.stringify(seen));
  await browser.close();
} catch (e) {
  await page.screenshot({ path: `${shots}/${phase}-failed.png`, fullPage: true }).catch(() => {});
  console.log(JSON.stringify({ ...seen, failed: String(e), errors, outside }));
  await browser.close();
  process.exit(1);
}
