#!/usr/bin/env node
// each-alone.mjs: runs every HTTP test by itself (node --test with an
// anchored --test-name-pattern naming exactly that test) and reports the
// ones that fail alone — a test that only passes after an earlier one in its
// file depends on it (STYLE.md "One test can run alone"). Slow (a server per
// test), so `make test` does not run it.
//
//   node tests/http/each-alone.mjs [-j N] [FILE|NAME ...]
//
// FILE is a path or a short name (kpi = tests/http/kpi.test.mjs); none means
// every tests/http/*.test.mjs. Runs against $KHET_BIN (default bin/khet) on
// SQLite, or on PostgreSQL when KHET_TEST_PG holds a server URL. Exits 1 when
// any test fails alone; prints each failure's output.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let jobs = 2;
const args = process.argv.slice(2);
const picked = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '-j') jobs = Number(args[++i]) || 1;
  else picked.push(args[i]);
}
const files = (picked.length ? picked : readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort())
  .map((f) => (existsSync(f) ? f : join(here, f.endsWith('.test.mjs') ? f : f + '.test.mjs')));

// The names of a file's top-level tests: test('name', ...) with ', " or `.
function testNames(file) {
  const src = readFileSync(file, 'utf8');
  const names = [];
  const re = /^test\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/gm;
  for (let m; (m = re.exec(src));) names.push(m[2].replace(/\\(.)/g, '$1'));
  return names;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function runOne(file, name) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--test', '--test-reporter=tap', `--test-name-pattern=^${escape(name)}$`, file], {
      env: { ...process.env, KHET_BIN: process.env.KHET_BIN || 'bin/khet' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => {
      const pass = Number((out.match(/^# pass (\d+)/m) || [])[1] || 0);
      const fail = Number((out.match(/^# fail (\d+)/m) || [])[1] || 0);
      // Exactly this one test ran and passed.
      resolve({ file, name, ok: code === 0 && pass === 1 && fail === 0, pass, fail, out });
    });
  });
}

const queue = files.flatMap((f) => testNames(f).map((n) => [f, n]));
const failed = [];
let done = 0;
async function worker() {
  for (let job; (job = queue.shift());) {
    const r = await runOne(...job);
    done++;
    const tag = `${basename(r.file, '.test.mjs')}: ${r.name}`;
    if (r.ok) console.log(`ok      ${tag}`);
    else {
      console.log(`ALONE-FAIL ${tag} (pass ${r.pass}, fail ${r.fail})`);
      failed.push(r);
    }
  }
}
const total = queue.length;
await Promise.all(Array.from({ length: jobs }, worker));
for (const r of failed) {
  console.log(`\n==== ${basename(r.file)}: ${r.name}`);
  const lines = r.out.split('\n');
  const at = lines.findIndex((l) => /^not ok/.test(l));
  console.log(lines.slice(Math.max(0, at), at + 40).join('\n'));
}
console.log(`\n${total - failed.length} pass alone, ${failed.length} fail alone`);
for (const r of failed) console.log(`  ${basename(r.file)}: ${r.name}`);
process.exit(failed.length ? 1 : 0);
