// org.test.mjs: the organisation pages on the demo data (two area offices,
// 30 schools each) — the home page and /areas list both areas, an area's
// schools come 10 to a page in Thai dictionary order with a total, paging
// and search work (also in Thai), unknown or malformed ids are a Thai 404,
// and whatever the user typed comes back HTML-escaped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

const THAI = /[\u0E00-\u0E7F]/;
const AREA1 = 'สำนักงานเขตพื้นที่การศึกษาประถมศึกษายโสธร เขต 2';
const AREA2 = 'สำนักงานเขตพื้นที่การศึกษามัธยมศึกษากำแพงเพชร';
const collator = new Intl.Collator('th');

let s, c;
before(async () => {
  s = await startServer();
  c = s.client();
});
after(async () => { await s?.stop(); });

function h1(html) {
  const m = html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/);
  return m ? m[1].replace(/<[^>]+>/g, '').trim() : '';
}
function assertPage(r, status = 200) {
  assert.equal(r.status, status, r.text.slice(0, 300));
  assert.match(r.headers.get('content-type') || '', /^text\/html; charset=utf-8/);
  assert.match(r.text, /<html lang="th">/);
  assert.match(h1(r.text), THAI);
}
// The school names in the table's rows (<th scope="row">), in page order.
function tableNames(html) {
  const body = (html.match(/<tbody>([\s\S]*?)<\/tbody>/) || [])[1] || '';
  return [...body.matchAll(/<tr>[\s\S]*?<th scope="row">([^<]*)<\/th>[\s\S]*?<\/tr>/g)].map((m) => m[1]);
}
const schools = (area, query = '') => c.get(`/areas/${area}/schools${query}`, { json: true });

test('the home page lists the two demo areas, each linked to its schools', async () => {
  const r = await c.get('/');
  assertPage(r);
  assert.equal(h1(r.text), 'ยินดีต้อนรับสู่ Khet');
  assert.match(r.text, new RegExp(`<a href="/areas/1/schools">${AREA1}</a>`));
  assert.match(r.text, new RegExp(`<a href="/areas/2/schools">${AREA2}</a>`));
  assert.equal((r.text.match(/30 โรงเรียน/g) || []).length, 2);
  const j = await c.get('/', { json: true });
  assert.deepEqual(j.json.areas.map((a) => a.name), [AREA1, AREA2]);
});

test('/areas lists both areas with their kind, as HTML and JSON', async () => {
  const r = await c.get('/areas');
  assertPage(r);
  assert.ok(r.text.includes(AREA1));
  assert.ok(r.text.includes(AREA2));
  const j = await c.get('/areas', { json: true });
  assert.equal(j.status, 200);
  assert.equal(j.json.areas.length, 2);
  const [a1, a2] = j.json.areas;
  assert.deepEqual([a1.id, a1.code, a1.short_name, a1.kind, a1.school_count], [1, '3502', 'สพป.ยโสธร เขต 2', 'primary', 30]);
  assert.deepEqual([a2.id, a2.code, a2.short_name, a2.kind, a2.school_count], [2, '6201', 'สพม.กำแพงเพชร', 'secondary', 30]);
  assert.equal(a1.kind_name, 'ประถมศึกษา');
  assert.equal(a2.kind_name, 'มัธยมศึกษา');
});

test('an area page shows its work groups and links to its schools', async () => {
  const r = await c.get('/areas/1');
  assertPage(r);
  assert.ok(r.text.includes('กลุ่มอำนวยการ'));
  assert.ok(r.text.includes('/areas/1/schools'));
  const j = await c.get('/areas/1', { json: true });
  assert.equal(j.json.work_groups.length, 10);
  assert.equal(j.json.work_groups[0].name, 'กลุ่มอำนวยการ');
});

test('/areas/1/schools: 10 rows of 30, with the total in Thai', async () => {
  const r = await c.get('/areas/1/schools');
  assertPage(r);
  assert.equal(h1(r.text), 'โรงเรียนในสังกัด สพป.ยโสธร เขต 2');
  const names = tableNames(r.text);
  assert.equal(names.length, 10);
  assert.match(r.text, /ทั้งหมด 30 โรงเรียน/);
  assert.match(r.text, /หน้า 1 จาก 3/);
  assert.match(r.text, /ลำดับที่ 1–10 จาก 30/);
  assert.match(r.text, /href="\/areas\/1\/schools\?page=2" rel="next"/);
  const j = await schools(1);
  assert.deepEqual(j.json.rows.map((x) => x.name), names, 'the JSON has the same rows as the HTML');
  assert.deepEqual([j.json.total, j.json.page, j.json.pages, j.json.per_page, j.json.from, j.json.to], [30, 1, 3, 10, 1, 10]);
  assert.equal(j.json.prev_url, null);
  assert.equal(j.json.next_url, '/areas/1/schools?page=2');
  for (const row of j.json.rows) {
    assert.equal(row.province, 'ยโสธร');
    assert.match(row.obec_code, /^10352\d{5}$/);
    assert.match(row.smis_code, /^352\d{5}$/);
  }
});

test('paging: page 3 shows rows 21–30; the pages together are the whole list once', async () => {
  const p3 = await c.get('/areas/1/schools?page=3');
  assertPage(p3);
  assert.equal(tableNames(p3.text).length, 10);
  assert.match(p3.text, /ลำดับที่ 21–30 จาก 30/);
  assert.match(p3.text, /หน้า 3 จาก 3/);
  assert.doesNotMatch(p3.text, /rel="next"/);
  assert.match(p3.text, /href="\/areas\/1\/schools\?page=2" rel="prev"/);
  const pages = [];
  for (const p of [1, 2, 3]) pages.push(...(await schools(1, `?page=${p}`)).json.rows.map((x) => x.name));
  const all = (await schools(1, '?per_page=100')).json.rows.map((x) => x.name);
  assert.equal(all.length, 30);
  assert.equal(new Set(all).size, 30);
  assert.deepEqual(pages, all);
  const j3 = await schools(1, '?page=3');
  assert.deepEqual([j3.json.from, j3.json.to, j3.json.page], [21, 30, 3]);
  // another page size keeps working
  const p25 = await schools(1, '?per_page=25&page=2');
  assert.deepEqual([p25.json.rows.length, p25.json.from, p25.json.to, p25.json.pages], [5, 26, 30, 2]);
  assert.deepEqual(p25.json.rows.map((x) => x.name), all.slice(25));
});

test('paging: a page beyond the end, or a nonsense page, is handled sensibly', async () => {
  const far = await c.get('/areas/1/schools?page=99');
  assert.equal(far.status, 200);
  const j = await schools(1, '?page=99');
  assert.equal(j.status, 200);
  assert.ok(j.json.page <= j.json.pages, 'the page shown exists');
  assert.ok(j.json.rows.length > 0 || /ไม่พบ|ไม่มี/.test(far.text), 'rows, or a Thai sentence saying there are none');
  for (const q of ['?page=0', '?page=-1', '?page=abc', '?page=99999999999999999999', '?per_page=7', '?per_page=abc']) {
    const r = await schools(1, q);
    assert.equal(r.status, 200, q);
    assert.ok(r.json.rows.length >= 1 && r.json.rows.length <= 100, q);
  }
});

test('search: a Thai word from a school name finds it; a district and the codes too', async () => {
  const r = await c.get('/areas/1/schools?q=' + encodeURIComponent('หนองบัว'));
  assertPage(r);
  assert.deepEqual(tableNames(r.text), ['โรงเรียนบ้านหนองบัว']);
  assert.match(r.text, /ทั้งหมด 1 โรงเรียน ที่ตรงกับ “หนองบัว”/);
  assert.match(r.text, /<input type="search" id="q" name="q" value="หนองบัว"/, 'the search box keeps the query');
  const word = await schools(1, '?q=' + encodeURIComponent('บัว'));
  assert.deepEqual(word.json.rows.map((x) => x.name), ['โรงเรียนบ้านหนองบัว'], 'a word inside the name');
  const many = await schools(1, '?q=' + encodeURIComponent('หนอง'));
  assert.ok(many.json.total >= 2);
  for (const row of many.json.rows) assert.ok(row.name.includes('หนอง'), row.name);
  const district = await schools(1, '?q=' + encodeURIComponent('เลิงนกทา'));
  assert.ok(district.json.total >= 1);
  for (const row of district.json.rows) assert.equal(row.district, 'เลิงนกทา');
  const kpp = await schools(2, '?q=' + encodeURIComponent('วิทยาคม'));
  assert.ok(kpp.json.total > 10, 'more than a page');
  assert.equal(kpp.json.rows.length, 10);
  assert.ok(kpp.json.next_url.includes('q=%E0%B8'), 'the pager keeps the search');
  const code = (await schools(1)).json.rows[0];
  const byCode = await schools(1, `?q=${code.obec_code}`);
  assert.deepEqual(byCode.json.rows.map((x) => x.id), [code.id]);
  const bySmis = await schools(1, `?q=${code.smis_code}`);
  assert.deepEqual(bySmis.json.rows.map((x) => x.id), [code.id]);
  // another area's schools are not found here
  const other = await schools(2, '?q=' + encodeURIComponent('หนองบัว'));
  assert.equal(other.json.total, 0);
  const none = await c.get('/areas/1/schools?q=zzzz');
  assertPage(none);
  assert.equal(tableNames(none.text).length, 0);
  assert.match(none.text, /ไม่พบโรงเรียนที่ตรงกับคำค้น/);
});

test('schools are in Thai dictionary order, not byte order', async () => {
  for (const area of [1, 2]) {
    const names = (await schools(area, '?per_page=100')).json.rows.map((x) => x.name);
    assert.equal(names.length, 30);
    assert.deepEqual(names, [...names].sort(collator.compare), `area ${area} in Thai order`);
    // byte order would put every name whose first letter after the common
    // prefix is a leading vowel (เ แ โ ใ ไ) after all the others
    const bytes = [...names].sort();
    assert.notDeepEqual(names, bytes, `area ${area} is not in byte order`);
  }
  const first = (await schools(1)).json.rows.map((x) => x.name);
  const i = first.indexOf('โรงเรียนบ้านโคกกลาง');
  assert.ok(i > 0, 'โคกกลาง is on the first page, sorted under ค');
  assert.ok(first.indexOf('โรงเรียนบ้านกุดแข้') < i);
  const all = (await schools(1, '?per_page=100')).json.rows.map((x) => x.name);
  assert.ok(all.indexOf('โรงเรียนบ้านคำไผ่') < all.indexOf('โรงเรียนบ้านโคกกลาง'), 'คำ before โคก');
  assert.ok(all.indexOf('โรงเรียนบ้านโคกกลาง') < all.indexOf('โรงเรียนบ้านดงแคน'), 'โคก before ดง');
  assert.ok(all.indexOf('โรงเรียนบ้าน' + 'หนองบัว') < all.indexOf('โรงเรียนอนุบาลกุดชุม'), 'บ้าน before อนุบาล');
});

test('an unknown or malformed area → Thai 404 page, JSON 404 for API clients', async () => {
  for (const path of ['/areas/999/schools', '/areas/abc/schools', '/areas/0/schools', '/areas/-1/schools',
    '/areas/1.5/schools', '/areas/999', '/areas/abc', '/areas/99999999999999999999999/schools']) {
    const r = await c.get(path);
    assertPage(r, 404);
    const j = await c.get(path, { json: true });
    assert.equal(j.status, 404, path);
    assert.equal(j.json.error.status, 404, path);
    assert.match(j.json.error.message, THAI, path);
  }
  const r = await c.get('/areas/999/schools', { json: true });
  assert.match(r.json.error.message, /สำนักงานเขตพื้นที่การศึกษา/);
});

test('a search with markup comes back escaped', async () => {
  const q = '<script>alert(1)</script>"\'&';
  const r = await c.get('/areas/1/schools?q=' + encodeURIComponent(q));
  assertPage(r);
  assert.ok(!r.text.includes('<script>alert(1)</script>'), 'no raw markup');
  assert.ok(r.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'escaped in the page');
  assert.match(r.text, /value="&lt;script&gt;alert\(1\)&lt;\/script&gt;(&quot;|&#34;)(&#39;|&#x27;|&apos;)&amp;"/, 'escaped in the attribute');
  for (const tag of r.text.matchAll(/<script\b[^>]*>/g)) assert.match(tag[0], /src="\/static\//);
  const j = await schools(1, '?q=' + encodeURIComponent(q));
  assert.equal(j.json.q, q, 'JSON gives the query as typed');
});

test('a search of only punctuation or spaces: a Thai notice at the box, which keeps it, and every school (not "matching --")', async () => {
  const all = await schools(1);
  assert.equal(all.json.q_note, null);
  for (const q of ['--', '...', '- , .']) {
    const r = await c.get('/areas/1/schools?q=' + encodeURIComponent(q));
    assertPage(r);
    assert.match(r.text, /<p class="field-note" id="q-note" role="status">คำค้นไม่มีตัวอักษรหรือตัวเลขให้ค้นหา/);
    assert.match(r.text, /aria-describedby="q-hint q-note"/);
    assert.ok(r.text.includes(`name="q" value="${q}"`), 'the box keeps what was typed');
    assert.doesNotMatch(r.text, /ที่ตรงกับ “/, 'not "schools matching" a search that looked for nothing');
    const j = await schools(1, '?q=' + encodeURIComponent(q));
    assert.match(j.json.q_note, /ไม่มีตัวอักษรหรือตัวเลข/);
    assert.equal(j.json.total, all.json.total);
  }
  const word = await schools(1, '?q=' + encodeURIComponent('-บ้าน-'));
  assert.equal(word.json.q_note, null, 'a word between dashes is a search');
});

test('a search longer than the box allows → a clear Thai answer', async () => {
  const r = await c.get('/areas/1/schools?q=' + 'ก'.repeat(150));
  assert.equal(r.status, 400);
  assert.match(r.text, /คำค้นยาวเกินไป/);
  const ok = await schools(1, '?q=' + encodeURIComponent('ก'.repeat(100)));
  assert.equal(ok.status, 200, 'the 100 characters the box allows are fine');
});
