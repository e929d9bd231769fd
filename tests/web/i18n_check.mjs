// Checks the UI's two languages (web/src/i18n.js): both tables hold the same
// keys, nested keys and list lengths, with the same kind of value (text,
// list, function of the same arity), no empty text; and every key the
// pages name with t('key') exists. Run by test_web.c:
//   node i18n_check.mjs
// Prints one JSON line {"keys": N, "used": M, "problems": [...]}; exits 1
// when there is a problem.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, '../../web/src');
const { tables } = await import(pathToFileURL(path.join(src, 'i18n.js')).href);

// Keys the pages build at run time rather than name literally.
const DYNAMIC = ['login', 'dashboard', 'field', 'immediate', 'high_risk', 'low_risk',
  'untriaged', 'name', 'phone', 'idNumber', 'birthYear', 'notes'];

const problems = [];
const kind = (v) => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);

function compare(a, b, where) {
  if (kind(a) !== kind(b)) {
    problems.push(`${where}: zh is ${kind(a)}, en is ${kind(b)}`);
    return;
  }
  if (typeof a === 'string' && (!a.trim() || !b.trim()))
    problems.push(`${where}: empty text`);
  if (typeof a === 'function' && a.length !== b.length)
    problems.push(`${where}: zh takes ${a.length} arguments, en ${b.length}`);
  if (Array.isArray(a) && a.length !== b.length)
    problems.push(`${where}: zh lists ${a.length}, en ${b.length}`);
  if (kind(a) === 'object' || Array.isArray(a)) {
    for (const k of Object.keys(a))
      if (!(k in b)) problems.push(`${where}.${k}: missing in en`);
      else compare(a[k], b[k], `${where}.${k}`);
    for (const k of Object.keys(b))
      if (!(k in a)) problems.push(`${where}.${k}: missing in zh`);
  }
}

compare(tables.zh, tables.en, 'i18n');

const used = new Set(DYNAMIC);
for (const f of fs.readdirSync(src).filter((n) => n.endsWith('.js')))
  for (const m of fs.readFileSync(path.join(src, f), 'utf8').matchAll(/\bt\('([A-Za-z_]+)'/g))
    used.add(m[1]);
for (const k of used)
  for (const l of ['zh', 'en'])
    if (!(k in tables[l])) problems.push(`key '${k}' used by the pages is missing in ${l}`);

console.log(JSON.stringify({ keys: Object.keys(tables.zh).length, used: used.size, problems }));
process.exit(problems.length ? 1 : 0);
