// Opens an after-action report (drills/report) in Debian's chromium with
// playwright-core (installed in web/node_modules; no browser download).
// Run by test_drill_report.c:
//   node report_open.mjs REPORT.html SHOTS_DIR NAME
// Fails on nothing itself: it prints one JSON line of what it saw (console
// errors, page errors, requests to anything but the file, the size of each
// chart on screen, the EXERCISE banner, the page width when printed on A4)
// and saves SHOTS_DIR/NAME.png, one NAME-CHART.png per chart and
// SHOTS_DIR/NAME.pdf (A4). Exits non-zero
// only when the page could not be opened at all.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../web/package.json'));
const { chromium } = require('playwright-core');

const [file, shots, name] = process.argv.slice(2);
const url = pathToFileURL(path.resolve(file)).href;
const WAIT = 30000;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync'],
});
const seen = { url, errors: [], console: [], outside: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      seen.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (r.url() !== url) seen.outside.push(r.url());
  });
  page.on('dialog', (d) => {
    seen.errors.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load', timeout: WAIT });
  seen.lang = await page.getAttribute('html', 'lang');
  seen.title = await page.title();
  seen.exercise = await page.isVisible('#exercise');
  seen.banner = (await page.textContent('#exercise')).trim();
  seen.scripts = await page.locator('script').count();
  seen.charts = await page.$$eval('svg.chart', (els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { name: e.dataset.chart, w: r.width, h: r.height,
      marks: e.querySelectorAll('rect,path,circle,polyline,line').length };
  }));
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  for (const c of seen.charts)
    await page.locator(`#chart-${c.name}`).screenshot({
      path: path.join(shots, `${name}-${c.name}.png`) });
  // Printed on A4: nothing may be wider than the page.
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 700, height: 1000 });
  seen.print = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
  }));
  const pdf = path.join(shots, `${name}.pdf`);
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  seen.pdf_bytes = fs.statSync(pdf).size;
  console.log(JSON.stringify(seen));
  await browser.close();
} catch (e) {
  console.log(JSON.stringify({ ...seen, failed: String(e) }));
  await browser.close();
  process.exit(1);
}
