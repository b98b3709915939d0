// The menus lead to every page of the accounts module: the area admin's
// second menu row (on his pages only), the account page's links, and the
// public links to registration and the admin directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, admin, teacher;

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}`);
  return c;
}

const links = (html, label) => {
  const at = html.indexOf(`aria-label="${label}"`);
  if (at < 0) return [];
  const nav = html.slice(at, html.indexOf('</nav>', at));
  return [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
};

before(async () => {
  server = await startServer();
  [admin, teacher] = await Promise.all(['areaadmin1', 'teacher'].map(signedIn));
});
after(async () => { await server?.stop(); });

test('the area admin has a second menu row on his pages, and every link in it opens', async () => {
  const users = await admin.get('/areas/1/users');
  assert.equal(users.status, 200);
  const row = links(users.text, 'งานแอดมินเขต');
  assert.ok(row.length >= 9, row.join(' '));
  for (const want of ['/users', '/school-admin-regs', '/access-requests', '/password/requests', '/permissions', '/roster', '/audit'])
    assert.ok(row.some((h) => h.endsWith(want)), `${want} in ${row.join(' ')}`);
  for (const href of row) assert.equal((await admin.get(href)).status, 200, href);
  // the current page is marked
  assert.match(users.text, /<a href="\/areas\/1\/users" aria-current="page">แอดมินสถานศึกษา<\/a>/);
  // not on other pages, and never for a teacher
  assert.deepEqual(links((await admin.get('/oss')).text, 'งานแอดมินเขต'), []);
  assert.deepEqual(links((await teacher.get('/account')).text, 'งานแอดมินเขต'), []);
});

test('the account page and the sign-in page lead to permissions, access requests and school-admin registration', async () => {
  const acc = await teacher.get('/account');
  for (const href of ['/account/permissions', '/access/requests', '/access/requests/new', '/school-admin/register']) {
    assert.ok(acc.text.includes(`href="${href}"`), href);
    assert.equal((await teacher.get(href)).status, 200, href);
  }
  const anon = server.client();
  const signin = await anon.get('/signin');
  assert.ok(signin.text.includes('href="/school-admin/register"'));
  const area = await anon.get('/areas/1');
  assert.ok(area.text.includes('href="/areas/1/directory"'));
  assert.equal((await anon.get('/areas/1/directory')).status, 200);
});
