// The officers' list of the API (GET /api/v1/oss/requests, issue 15) page
// by page against the database: every service's own requests in both
// orders, each page the right slice, the pages past the end empty, with a
// status too. On SQLite a page past the first without a status finds its
// first entry in a range of the list's key with no end
// (src/oss/api.c page_start), which runs on into the area's other
// services: the page must still be its own service's; on PostgreSQL
// (KHET_TEST_PG) the plain range. 300 demo requests, all in the first
// area, about 50 a service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { khet, startServer } from './lib.mjs';

let server, token, areaId;
before(async () => {
  server = await startServer({ demoArgs: ['--requests', '300'] });
  const r = khet(['token', 'add', '--login', 'officer', '--role', 'officer', '--scopes', 'oss:read', '--name', 'รายการทุกหน้า', '--days', '1'], server.env);
  assert.equal(r.code, 0, r.stderr);
  token = r.stdout.trim();
  areaId = Number(server.sql("SELECT g.area_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'officer' AND g.role = 'officer' LIMIT 1"));
});
after(async () => { await server?.stop(); });

async function call(path) {
  const res = await fetch(server.base + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  assert.equal(res.status, 200, `${path}: ${text}`);
  return JSON.parse(text);
}

const ids = (q) => server.sql(q).split('\n').filter(Boolean).map(Number);

// Every page of one list, one past the last and one far past it.
async function walk(query, want, perPage) {
  const got = [];
  const last = Math.max(1, Math.ceil(want.length / perPage));
  for (const page of [...Array(last + 1).keys()].map((i) => i + 1).concat([last + 50])) {
    const body = await call(`/api/v1/oss/requests?${query}&per_page=${perPage}&page=${page}`);
    assert.equal(body.total, want.length, `${query} total`);
    assert.equal(body.page, page);
    if (page <= last) assert.equal(body.items.length, Math.min(perPage, want.length - (page - 1) * perPage), `${query} page ${page}`);
    else assert.equal(body.items.length, 0, `${query} page ${page} past the end`);
    got.push(...body.items.map((x) => x.id));
  }
  assert.deepEqual(got, want, query);
}

test("an officer's list: each service's own requests, newest or oldest first, every page, none past the end", async () => {
  // SQLite's list_key (0305), kept by its triggers on every insert
  if (!server.env.KHET_DB.startsWith('postgres'))
    assert.equal(server.sql('SELECT COUNT(*) FROM oss_requests WHERE list_key <> area_id * 100 + CAST(service AS INTEGER)'), '0');
  const services = server.sql(`SELECT DISTINCT service FROM oss_requests WHERE area_id = ${areaId} ORDER BY 1`).split('\n');
  assert.ok(services.length >= 3, `requests in ${services.length} services`);
  for (const service of ['11', '12', '21', '31', '32', '41']) {
    for (const [sort, dir] of [['-created_at', 'DESC'], ['created_at', 'ASC']]) {
      const want = ids(`SELECT id FROM oss_requests WHERE area_id = ${areaId} AND service = '${service}' ORDER BY created_at ${dir}, id ${dir}`);
      await walk(`service=${service}&sort=${sort}`, want, 7);
    }
  }
  // the default order (newest first), 100 a page: the whole service on one
  const want = ids(`SELECT id FROM oss_requests WHERE area_id = ${areaId} AND service = '21' ORDER BY created_at DESC, id DESC`);
  const body = await call('/api/v1/oss/requests?service=21&per_page=100');
  assert.deepEqual(body.items.map((x) => x.id), want);
  assert.ok(body.items.every((x) => x.service.code === '21' && x.area_id === areaId));
});

test("an officer's list with a status: that status's requests only, every page", async () => {
  const row = server.sql(`SELECT service || ' ' || status FROM oss_requests WHERE area_id = ${areaId} GROUP BY service, status ORDER BY COUNT(*) DESC LIMIT 1`);
  const [service, status] = row.split(' ');
  const want = ids(`SELECT id FROM oss_requests WHERE area_id = ${areaId} AND service = '${service}' AND status = '${status}' ORDER BY created_at DESC, id DESC`);
  assert.ok(want.length >= 2, `${want.length} requests ${service} ${status}`);
  await walk(`service=${service}&status=${status}`, want, 3);
});

test("an officer's list when the counters are ahead of the requests: the pages past the real end are empty, not another service's", async () => {
  // the total comes from oss_counts; were it ahead (a count kept wrong),
  // the SQLite page's search for its first entry runs into the next
  // service's entries and must not give them
  const key = server.sql(`SELECT ym || ' ' || status FROM oss_counts WHERE area_id = ${areaId} AND service = '21' AND n > 0 LIMIT 1`);
  const [ym, status] = key.split(' ');
  const want = ids(`SELECT id FROM oss_requests WHERE area_id = ${areaId} AND service = '21' ORDER BY created_at DESC, id DESC`);
  server.sql(`UPDATE oss_counts SET n = n + 40 WHERE area_id = ${areaId} AND service = '21' AND ym = ${ym} AND status = '${status}'`);
  try {
    for (const sort of ['-created_at', 'created_at']) {
      const page = Math.ceil(want.length / 10) + 1;
      const body = await call(`/api/v1/oss/requests?service=21&sort=${sort}&per_page=10&page=${page}`);
      assert.equal(body.total, want.length + 40);
      assert.deepEqual(body.items, [], sort);
      const end = await call(`/api/v1/oss/requests?service=21&sort=${sort}&per_page=10&page=${page - 1}`);
      assert.ok(end.items.length > 0 && end.items.every((x) => x.service.code === '21'), sort);
    }
  } finally {
    server.sql(`UPDATE oss_counts SET n = n - 40 WHERE area_id = ${areaId} AND service = '21' AND ym = ${ym} AND status = '${status}'`);
  }
});
