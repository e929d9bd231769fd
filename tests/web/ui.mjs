// Drives the web UI in Debian's chromium with playwright-core (installed in
// web/node_modules; no browser download). Run by test_web.c, one phase per
// call:
//   node ui.mjs field     AGENT_URL SHOTS_DIR   register + C-SSRS triage
//   node ui.mjs dashboard COORD_URL SHOTS_DIR   see the flag, acknowledge it
//   node ui.mjs acked     AGENT_URL SHOTS_DIR   the field page shows the ack
// Prints one JSON line of what it saw; exits non-zero on any failure.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../web/package.json'));
const { chromium } = require('playwright-core');

const [phase, url, shots] = process.argv.slice(2);
const WAIT = 60000;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
const outside = [];
page.on('request', (r) => {
  const u = new URL(r.url());
  if (u.hostname !== '127.0.0.1') outside.push(r.url());
});
const seen = { phase };

try {
  if (phase === 'field') {
    await page.goto(`${url}/#field`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: WAIT });
    seen.sync = await page.textContent('[data-testid="sync"]');
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
    await page.screenshot({ path: `${shots}/field-screen.png`, fullPage: true });
    await page.click('#scr button[type="submit"]');
    await page.waitForSelector('[data-testid="level"]', { timeout: WAIT });
    seen.level = (await page.textContent('[data-testid="level"]')).trim();
    seen.red_flag = await page.isVisible('[data-testid="red-flag"]');
    await page.waitForSelector('[data-testid="my-flag"].open', { timeout: WAIT });
    seen.watermark = await page.isVisible('#watermark');
    await page.screenshot({ path: `${shots}/field-triaged.png`, fullPage: true });
  } else if (phase === 'dashboard') {
    await page.goto(`${url}/#dashboard`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: WAIT });
    // Synced from the agent once the coordinator is up: the page refreshes
    // itself on the daemon's notices.
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="count-immediate"] .n')?.textContent === '1',
    null, { timeout: WAIT });
    await page.waitForSelector('[data-testid="flag"]', { timeout: WAIT });
    seen.flags = await page.locator('[data-testid="flag"]').count();
    seen.sites = (await page.textContent('[data-testid="sites"]')).replace(/\s+/g, ' ');
    seen.watermark = await page.isVisible('#watermark');
    await page.screenshot({ path: `${shots}/dashboard-flag.png`, fullPage: true });
    await page.fill('[data-testid="flag"] input[name="by"]', '李医生 Dr Li');
    await page.fill('[data-testid="flag"] input[name="action"]', '已电话联系，队医前往');
    await page.click('[data-testid="flag"] button[type="submit"]');
    await page.waitForSelector('[data-testid="no-flags"]', { timeout: WAIT });
    await page.click('#lang');
    await page.waitForSelector('body[data-ready="1"]', { timeout: WAIT });
    await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: WAIT });
    seen.english = (await page.textContent('h1')).trim();
    await page.screenshot({ path: `${shots}/dashboard-acked-en.png`, fullPage: true });
  } else if (phase === 'acked') {
    await page.goto(`${url}/#field`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: WAIT });
    await page.waitForSelector('[data-testid="my-flag"].acked', { timeout: WAIT });
    seen.ack = (await page.textContent('[data-testid="ack-state"]')).trim();
    seen.sync = await page.textContent('[data-testid="sync"]');
    await page.screenshot({ path: `${shots}/field-acked.png`, fullPage: true });
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
  seen.errors = errors;
  seen.outside = outside;
  console.log(JSON.stringify(seen));
  await browser.close();
} catch (e) {
  await page.screenshot({ path: `${shots}/${phase}-failed.png`, fullPage: true }).catch(() => {});
  console.log(JSON.stringify({ ...seen, failed: String(e), errors }));
  await browser.close();
  process.exit(1);
}
