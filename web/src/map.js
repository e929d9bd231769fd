// The incident map: Leaflet with no tile layer (nothing is fetched from
// outside), drawn from GET /api/map: province outlines on a plain
// background, counties coloured by exposure or need, the assessment's
// intensity zones as filled contours, teams as markers coloured by
// readiness, and a legend. Redrawn only when the daemon's answer changes.
import L from 'leaflet';
import { t, esc } from './i18n.js';

// Intensity (Chinese scale, VI..XII) to fill colour, light to dark.
const INTENSITY = ['#fff3b0', '#ffd166', '#f8961e', '#f3722c', '#e63946', '#9d0208', '#6a040f'];
const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];
const COUNTY = ['#e8f1fa', '#bcd7ee', '#86b6de', '#4f8fc6', '#2364a5', '#0b3d77'];
export const READINESS = ['standby', 'alerted', 'en_route', 'deployed', 'resting', 'stood_down'];
const READY_COLOUR = {
  standby: '#2e86c1', alerted: '#f1c40f', en_route: '#e67e22', deployed: '#27ae60',
  resting: '#8e44ad', stood_down: '#7f8c8d',
};
const num = (v) => (typeof v === 'number' ? v : Number(v) || 0);
const fmt = (v) => num(v).toLocaleString();

function intensityOf(p) {
  const v = p.intensity;
  if (typeof v === 'number') return v;
  const k = ROMAN.indexOf(String(v || '').toUpperCase());
  return k > 0 ? k : Number(v) || 0;
}

function intensityColour(i) {
  return INTENSITY[Math.max(0, Math.min(INTENSITY.length - 1, Math.round(i) - 6))];
}

// Class breaks of a county measure: five quantiles of the non-zero values.
function breaks(values) {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (!v.length) return [];
  return [...new Set([0.2, 0.4, 0.6, 0.8].map((q) => v[Math.min(v.length - 1, Math.floor(q * v.length))]))];
}

function classOf(x, br) {
  if (!(x > 0)) return 0;
  let k = 1;
  for (const b of br) if (x > b) k++;
  return Math.min(k, COUNTY.length - 1);
}

function tip(rows) {
  return rows.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `<div><b>${esc(k)}</b> ${esc(v)}</div>`).join('');
}

export function incidentMap(el) {
  // No animations: a wall screen redraws on data, not for show, and a
  // snapshot never catches a map halfway through a zoom.
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: true, worldCopyJump: false,
    zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(esc(t('mapAttribution')));
  map.setView([30.5, 104], 4);
  const group = L.layerGroup().addTo(map);
  const legend = L.control({ position: 'bottomright' });
  legend.onAdd = () => L.DomUtil.create('div', 'map-legend');
  legend.addTo(map);
  let last = '';
  let measure = 'exposed';
  let data = null;
  let counts = { province: 0, county: 0, zone: 0, team: 0 };

  function layerOf(f) {
    return (f.properties && f.properties.layer) || '';
  }

  function drawLegend(br) {
    const box = legend.getContainer();
    const zones = data.features.filter((f) => layerOf(f) === 'zone');
    const levels = [...new Set(zones.map((f) => Math.round(intensityOf(f.properties))))]
      .filter((i) => i > 0).sort((a, b) => a - b);
    box.innerHTML = `
      ${levels.length ? `<h4>${esc(t('legendIntensity'))}</h4>${levels.map((i) =>
        `<div><i style="background:${intensityColour(i)}"></i>${esc(ROMAN[i] || String(i))}</div>`).join('')}` : ''}
      ${counts.county ? `<h4>${esc(t('legendCounties'))}</h4>
        <select data-testid="map-measure" aria-label="${esc(t('legendCounties'))}">
          <option value="exposed" ${measure === 'exposed' ? 'selected' : ''}>${esc(t('exposed'))}</option>
          <option value="need" ${measure === 'need' ? 'selected' : ''}>${esc(t('need'))}</option>
        </select>
        ${br.map((b, k) => `<div><i style="background:${COUNTY[k + 1]}"></i>≤ ${fmt(b)}</div>`).join('')}
        <div><i style="background:${COUNTY[COUNTY.length - 1]}"></i>&gt; ${br.length ? fmt(br[br.length - 1]) : 0}</div>` : ''}
      ${counts.team ? `<h4>${esc(t('legendTeams'))}</h4>${READINESS.map((r) =>
        `<div><i class="dot" style="background:${READY_COLOUR[r]}"></i>${esc(t('readiness')[r])}</div>`).join('')}` : ''}
      ${!levels.length ? `<p class="muted">${esc(t('noAssessment'))}</p>` : ''}`;
    const sel = box.querySelector('select');
    if (sel) {
      L.DomEvent.disableClickPropagation(box);
      sel.addEventListener('change', () => { measure = sel.value; draw(true); });
    }
  }

  function countyLayer(fs) {
    const br = breaks(fs.map((f) => num(f.properties[measure])));
    const layer = L.geoJSON(fs, {
      style: (f) => ({ className: 'xy-county', color: '#34495e', weight: 0.6,
        fillColor: COUNTY[classOf(num(f.properties[measure]), br)], fillOpacity: 0.75 }),
      onEachFeature: (f, l) => l.bindTooltip(tip([
        [t('county'), f.properties.name], [t('population'), fmt(f.properties.population)],
        [t('exposed'), fmt(f.properties.exposed)], [t('need'), fmt(f.properties.need)]])),
    });
    return { layer, br };
  }

  function zoneLayer(fs) {
    // Outer bands first, so that the inner, stronger ones lie on top.
    const sorted = [...fs].sort((a, b) => intensityOf(a.properties) - intensityOf(b.properties));
    return L.geoJSON(sorted, {
      style: (f) => ({ className: 'xy-zone', color: '#7b241c', weight: 1,
        fillColor: intensityColour(intensityOf(f.properties)), fillOpacity: 0.55 }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        l.bindTooltip(tip([
          [t('zone'), [p.name, p.band].filter(Boolean).join(' · ') || p.zone],
          [t('intensity'), ROMAN[intensityOf(p)] || p.intensity],
          [t('exposed'), fmt(p.exposed)], [t('needWorkers'), fmt(p.workers_needed)],
          [t('deployedCapacity'), fmt(p.deployed_capacity)]]));
      },
    });
  }

  function teamLayer(fs) {
    return L.geoJSON(fs, {
      pointToLayer: (f, ll) => L.circleMarker(ll, { className: 'xy-team', radius: 8, weight: 2,
        color: '#fff', fillColor: READY_COLOUR[f.properties.readiness] || '#34495e', fillOpacity: 1 }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        l.bindTooltip(tip([[t('team'), p.name], [t('teamLevel'), t('teamLevels')[p.level] || p.level],
          [t('readinessLabel'), t('readiness')[p.readiness] || p.readiness]]));
      },
    });
  }

  function draw(fit) {
    group.clearLayers();
    const by = { province: [], county: [], zone: [], team: [] };
    for (const f of data.features || []) if (by[layerOf(f)]) by[layerOf(f)].push(f);
    counts = Object.fromEntries(Object.entries(by).map(([k, v]) => [k, v.length]));
    const prov = L.geoJSON(by.province, {
      interactive: false,
      style: () => ({ className: 'xy-province', color: '#5d6d7e', weight: 1, fillColor: '#fbfcfc', fillOpacity: 1 }),
    }).addTo(group);
    const county = countyLayer(by.county);
    county.layer.addTo(group);
    const zones = zoneLayer(by.zone).addTo(group);
    teamLayer(by.team).addTo(group);
    drawLegend(county.br);
    if (!fit) return;
    const focus = by.zone.length ? zones.getBounds() : by.county.length ? county.layer.getBounds() : prov.getBounds();
    if (focus.isValid()) map.fitBounds(focus, { padding: [20, 20] });
  }

  // Shows a FeatureCollection (null: the daemon has no map route).
  function show(fc) {
    const text = JSON.stringify(fc);
    if (text === last) return;
    const first = !last;
    const focusChanged = !data || zoneKey(data) !== zoneKey(fc);
    last = text;
    data = fc && Array.isArray(fc.features) ? fc : { features: [] };
    draw(first || focusChanged);
  }

  function zoneKey(fc) {
    return JSON.stringify(((fc && fc.features) || []).filter((f) => layerOf(f) === 'zone' || layerOf(f) === 'county')
      .map((f) => f.properties.zone || f.properties.code || f.properties.name));
  }

  return {
    show,
    counts: () => counts,
    destroy: () => map.remove(),
  };
}
