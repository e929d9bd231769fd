// Need against deployed capacity per zone (GET /api/zones): a bar chart
// (chart.js, bundled) and a table with the gap, people triaged and red
// flags open in each zone.
import {
  Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip,
} from 'chart.js';
import { t, esc } from './i18n.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const num = (v) => Number(v) || 0;
const TOP = 12; // zones shown before "show all"
const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

// A zone's label: its county and its band (one county can lie in several).
export function zoneLabel(z) {
  const band = typeof z.intensity === 'number' ? ROMAN[z.intensity] || z.intensity : z.band;
  return [z.name || String(z.zone || '').slice(0, 8), band].filter(Boolean).join(' · ');
}

export function zonesView(box) {
  box.innerHTML = `
    <div class="chart-box"><canvas data-testid="zone-chart" aria-label="${esc(t('zonesTitle'))}" role="img"></canvas></div>
    <table data-testid="zones"><thead><tr>
      <th>${esc(t('zone'))}</th><th>${esc(t('needWorkers'))}</th><th>${esc(t('deployedWorkers'))}</th>
      <th>${esc(t('gap'))}</th><th>${esc(t('triaged'))}</th><th>${esc(t('flagsOpen'))}</th>
    </tr></thead><tbody></tbody></table>
    <button type="button" class="secondary" data-all hidden></button>`;
  const canvas = box.querySelector('canvas');
  const body = box.querySelector('tbody');
  const more = box.querySelector('[data-all]');
  let chart = null;
  let last = '';
  let all = false;
  let zones = [];
  more.addEventListener('click', () => { all = !all; table(); });

  function table() {
    const rows = all ? zones : zones.slice(0, TOP);
    more.hidden = zones.length <= TOP;
    more.textContent = all ? t('fewerZones') : t('allZones', zones.length);
    body.innerHTML = rows.length ? rows.map((z) => {
      const gap = num(z.need_workers) - num(z.deployed_workers);
      return `<tr class="${gap > 0 ? 'short' : 'covered'}">
        <td>${esc(zoneLabel(z))}</td><td>${num(z.need_workers)}</td><td>${num(z.deployed_workers)}</td>
        <td>${gap > 0 ? `−${gap}` : esc(t('covered'))}</td><td>${num(z.triaged)}</td><td>${num(z.flags_open)}</td></tr>`;
    }).join('') : `<tr><td colspan="6">${esc(t('noZones'))}</td></tr>`;
  }

  function plot() {
    const top = zones.slice(0, TOP);
    const labels = top.map(zoneLabel);
    const sets = [
      { label: t('needWorkers'), data: top.map((z) => num(z.need_workers)), backgroundColor: '#e67e22' },
      { label: t('deployedWorkers'), data: top.map((z) => num(z.deployed_workers)), backgroundColor: '#2e86c1' },
    ];
    if (chart) {
      chart.data.labels = labels;
      chart.data.datasets = sets;
      chart.update('none');
      return;
    }
    // Chart text follows the page's type size (larger on a wall screen).
    Chart.defaults.font.size = Math.round(parseFloat(getComputedStyle(document.body).fontSize) * 0.8) || 12;
    chart = new Chart(canvas, {
      type: 'bar',
      data: { labels, datasets: sets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: top.length > 6 ? 'y' : 'x',
        plugins: { legend: { position: 'bottom' } },
        scales: { x: { beginAtZero: true, ticks: { autoSkip: false } }, y: { beginAtZero: true, ticks: { autoSkip: false } } },
      },
    });
  }

  // list: the daemon's zones, most urgent first, or null when it has none
  // to give.
  function show(list) {
    const next = Array.isArray(list) ? list : [];
    const text = JSON.stringify([next, t('needWorkers')]);
    if (text === last) return;
    last = text;
    zones = next;
    table();
    box.querySelector('.chart-box').hidden = !zones.length;
    if (zones.length) plot();
  }

  return { show, destroy: () => chart && chart.destroy() };
}
