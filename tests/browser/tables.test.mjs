// tables (browser, issue 10.9): the pages with wide tables — the officer's
// dashboard and list, the area admin's account list, roster and school-admin
// registrations, the applicant's list, the KPI matrix, the meeting-room
// desk (approvals, the usage report, a calendar day, the free-room search), the KPI reviewers' queue and indicator list — on a 390 px phone, a
// 1,280 px laptop and a 1,920 px desktop: no page scrolls sideways, and every
// action (a link or button in a row) of the first rows is inside the
// viewport without scrolling sideways. The applicant's list, the officer's
// list, the area admin's user list and the KPI review queue (.table-cards) become cards on the
// phone — each row as wide as the page's column, the header row hidden, each
// cell labelled by its column header, actions ≥ 44 px tall — and stay tables
// on the laptop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { startServer, files } from '../http/lib.mjs';

const PW = 'khet-demo-2567';
let server, browser, areaId, indicatorId, roomId, roomDay, schoolId;

async function client(login) {
  const c = server.client();
  await c.get('/signin');
  assert.equal((await c.post('/signin', { login, password: PW })).status, 303);
  return c;
}

before(async () => {
  server = await startServer();
  browser = await launchChromium();
  const admin = await client('areaadmin1');
  areaId = (await admin.get('/oss/admin', { json: true })).json.area.id;
  indicatorId = Number(server.sql('SELECT MIN(id) FROM kpi_indicators'));
  schoolId = Number(server.sql(`SELECT id FROM schools WHERE area_id = ${areaId} ORDER BY obec_code LIMIT 1`));
  // a few requests with long Thai names, so the lists have rows
  const citizen = await client('citizen');
  for (let i = 0; i < 3; i++) {
    const r = await citizen.postMultipart('/oss/new/11', {
      area_id: String(areaId), title: 'นางสาว', first_name: 'ปิยะนุชประภาพรรณ', last_name: 'ศรีสุวรรณวงศ์ไพบูลย์กิจ', phone: '0812345678',
      birth_date: '12/05/2528', nationality: 'ไทย', blood_group: 'O', address_registered: '382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร',
      address_contact: 'เดียวกับทะเบียนบ้าน', work_unit: 'กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร',
      position: 'นักวิชาการคอมพิวเตอร์', rank: 'ชำนาญการพิเศษ', official_type: 'teacher',
    }, { id_card: { data: files.pdf(), filename: 'บัตร.pdf', type: 'application/pdf' } }, { json: true });
    assert.equal(r.status, 200);
  }
  // a room booking with a long chairman and coordinator, so the approvers'
  // list and the calendar have a row (issue 10.14b)
  const room = Number(server.sql(`SELECT MIN(id) FROM oss_rooms WHERE area_id = ${areaId}`));
  const day = new Date(Date.now() + 7 * 3600e3 + 30 * 86400e3).toISOString().slice(0, 10);
  const b = await citizen.postMultipart('/oss/new/31', {
    area_id: String(areaId), title: 'นางสาว', first_name: 'ปิยะนุชประภาพรรณ', last_name: 'ศรีสุวรรณวงศ์ไพบูลย์กิจ', phone: '0812345678',
    agency: 'กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร', attendees: '12', room_id: String(room),
    purpose: 'ประชุมเชิงปฏิบัติการ', chairman: 'นายประเสริฐศักดิ์ บุญมากมายมหาศาล รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา',
    coordinator: 'นางสาวพรทิพย์ประภา มีสุขสวัสดิ์ โทร 0812345678', start_date: day, end_date: day, start_time: '09:00', end_time: '12:00',
  }, { letter: { data: files.pdf(), filename: 'หนังสือ.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(b.status, 200, b.text.slice(0, 300));
  roomId = room;
  roomDay = day;
  // an API token with a long name, so the tokens page has a row (issue 15)
  const d = new Date(Date.now() + 7 * 3600e3 + 30 * 86400e3);
  const t = await admin.post(`/areas/${areaId}/tokens`, {
    name: 'ระบบสารสนเทศเพื่อการบริหารจัดการสถานศึกษาของสำนักงานเขตพื้นที่', kind: 'personal', login: 'officer', scopes: ['oss:read', 'org:read'],
    expires: `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear() + 543}`,
  });
  assert.equal(t.status, 303, t.text.slice(0, 300)); // back to the page, which shows it once
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const pages = () => [
  ['officer', '/oss/manage'],
  ['officer', '/oss/manage/list'],
  ['areaadmin1', `/areas/${areaId}/users`],
  ['areaadmin1', `/areas/${areaId}/roster`],
  ['areaadmin1', `/areas/${areaId}/school-admin-regs`],
  ['areaadmin1', `/kpi/indicators/${indicatorId}/matrix`],
  ['citizen', '/oss/my'],
  ['schooladmin', '/oss/my'],
  // the meeting-room desk (issue 10.14b)
  ['officer', '/oss/rooms/approve'],
  ['officer', '/oss/rooms/usage'],
  ['officer', `/oss/rooms/${roomId}/calendar?day=${roomDay}`],
  ['citizen', `/oss/rooms/free?area=${areaId}&start_date=${roomDay}&start_time=09:00&end_time=10:00&attendees=5`],
  // the reviewers' "รอตรวจ" queue (issue 10.15; acceptance walk of issue 10)
  ['kpireviewer', '/kpi/review-queue'],
  // the KPI indicator list with its per-period report buttons (seed 003)
  ['kpiowner', '/kpi'],
  ['schooladmin', '/kpi'],
  // the area admin's meeting rooms and KPI people (their inputs and buttons per row)
  ['areaadmin1', '/oss/admin/rooms'],
  ['areaadmin1', `/kpi/admin/people?area=${areaId}`],
  // a school admin's "add a teacher" with the school's teacher accounts (issue 13 item 5)
  ['schooladmin', '/teachers'],
  // the area admin's API tokens (issue 15)
  ['areaadmin1', `/areas/${areaId}/tokens`],
  // the census's learner list (a tick box and the name per row) and the
  // school's G-code requests (the code and "withdraw" per row): acceptance walk of issue 12
  ['schooladmin', `/dmc/schools/${schoolId}/learners`],
  ['schooladmin', `/dmc/schools/${schoolId}/gcode`],
];

// What does not fit: the page's sideways scroll, and the actions of the
// first rows of every table that are not inside the viewport.
function measure() {
  const vw = window.innerWidth;
  const out = { scrollWidth: document.documentElement.scrollWidth, vw, off: [] };
  // the part of the screen where el can be seen: the viewport cut by every
  // ancestor that clips sideways (a table's scroll region)
  const visible = (el) => {
    let left = 0, right = vw;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'visible') continue;
      const b = p.getBoundingClientRect();
      left = Math.max(left, b.left);
      right = Math.min(right, b.right);
    }
    return [left, right];
  };
  for (const table of document.querySelectorAll('main table')) {
    const rows = [...table.querySelectorAll('tbody tr')].slice(0, 3);
    // a matrix's cells are data; its actions are in the first column
    // (a choice made in the row — the roster's select — is an action too)
    const actions = table.classList.contains('matrix') ? ':scope > :first-child :is(a[href], button)' : 'a[href], button, select, input:not([type=hidden])';
    for (const row of rows)
      for (const a of row.querySelectorAll(actions)) {
        const b = a.getBoundingClientRect();
        if (b.width === 0 && b.height === 0) continue; // not shown at this width
        const [l, r] = visible(a);
        if (b.left < l - 0.5 || b.right > r + 0.5) out.off.push(`${a.textContent.trim().slice(0, 30)} [${Math.round(b.left)}–${Math.round(b.right)} in ${Math.round(l)}–${Math.round(r)}]`);
      }
  }
  return out;
}

// After scrolling every table sideways to its end: the first column is still
// in view (position: sticky), so a row is never cut from its name.
function pinned() {
  const off = [];
  for (const region of document.querySelectorAll('main .table-scroll')) {
    region.scrollLeft = region.scrollWidth;
    const rb = region.getBoundingClientRect();
    const cell = region.querySelector('tbody tr > :first-child');
    if (!cell) continue;
    const b = cell.getBoundingClientRect();
    if (region.scrollWidth > region.clientWidth && (b.left < rb.left - 0.5 || b.left > rb.left + 2)) off.push(cell.textContent.trim().slice(0, 30));
  }
  return off;
}

for (const width of [390, 1280, 1920]) {
  test(`wide tables fit a ${width} px screen: no sideways scroll, actions of the first rows in view`, async () => {
    const problems = [];
    const byUser = new Map();
    for (const [login, path] of pages()) {
      if (!byUser.has(login)) {
        const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'th-TH' });
        const page = await ctx.newPage();
        await page.goto(server.base + '/signin');
        await page.locator('#f-login').fill(login);
        await page.locator('#f-password').fill(PW);
        await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click()]);
        byUser.set(login, ctx);
      }
      const page = await byUser.get(login).newPage();
      const res = await page.goto(server.base + path);
      assert.equal(res.status(), 200, `${login} ${path}`);
      const m = await page.evaluate(measure);
      if (m.scrollWidth > m.vw) problems.push(`${login} ${path}: page ${m.scrollWidth} px wide in ${m.vw}`);
      if (m.off.length) problems.push(`${login} ${path}: actions off-screen: ${[...new Set(m.off)].join(', ')}`);
      const p = await page.evaluate(pinned);
      if (p.length) problems.push(`${login} ${path}: first column scrolled away: ${p.join(', ')}`);
      await page.close();
    }
    for (const ctx of byUser.values()) await ctx.close();
    assert.deepEqual(problems, []);
  });
}

const cardPages = () => [
  ['citizen', '/oss/my'],
  ['officer', '/oss/manage/list'],
  ['areaadmin1', `/areas/${areaId}/users`],
  ['kpireviewer', '/kpi/review-queue'],
];

// How the first rows of the page's .table-cards list are laid out.
function cards() {
  const vw = window.innerWidth;
  const region = document.querySelector('main .table-cards');
  if (!region) return { missing: true };
  const table = region.querySelector('table');
  const head = table.querySelector('thead tr');
  const headers = [...head.children].map((th) => th.textContent.trim());
  const hb = head.getBoundingClientRect();
  const rows = [...table.querySelectorAll('tbody tr')].slice(0, 3).map((tr) => {
    const b = tr.getBoundingClientRect();
    const cells = [...tr.children];
    return {
      display: getComputedStyle(tr).display,
      left: b.left, right: b.right, width: b.width,
      // each data cell's label, as shown (::before) and as its column header
      labels: cells.slice(1).map((td, i) => ({
        shown: getComputedStyle(td, '::before').content.replace(/^"|"$/g, ''),
        header: headers[i + 1], label: td.dataset.label ?? null,
      })),
      actions: [...tr.querySelectorAll('.row-actions a')].map((a) => {
        const ab = a.getBoundingClientRect();
        return { text: a.textContent.trim(), height: ab.height, left: ab.left, right: ab.right };
      }),
    };
  });
  return {
    vw, scrollWidth: document.documentElement.scrollWidth,
    headHidden: hb.width === 0 && hb.height === 0, tableDisplay: getComputedStyle(table).display, rows,
  };
}

test('lists become cards at 390 px: rows full width, header hidden, cells labelled, actions in view and easy to tap', async () => {
  const problems = [];
  for (const [login, path] of cardPages()) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 900 }, locale: 'th-TH' });
    const page = await ctx.newPage();
    await page.goto(server.base + '/signin');
    await page.locator('#f-login').fill(login);
    await page.locator('#f-password').fill(PW);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click()]);
    assert.equal((await page.goto(server.base + path)).status(), 200, `${login} ${path}`);
    const c = await page.evaluate(cards);
    const at = `${login} ${path}`;
    if (c.missing) { problems.push(`${at}: no .table-cards list`); await ctx.close(); continue; }
    if (c.scrollWidth > c.vw) problems.push(`${at}: page ${c.scrollWidth} px wide in ${c.vw}`);
    if (!c.headHidden) problems.push(`${at}: header row shown`);
    if (c.tableDisplay !== 'block') problems.push(`${at}: table is display ${c.tableDisplay}`);
    if (!c.rows.length) problems.push(`${at}: no rows`);
    for (const [i, r] of c.rows.entries()) {
      if (r.display !== 'block') problems.push(`${at} row ${i + 1}: display ${r.display}`);
      // as wide as the viewport minus the page's margins (≤ 24 px a side)
      if (r.left < 0 || r.right > c.vw || r.width < c.vw - 48) problems.push(`${at} row ${i + 1}: ${Math.round(r.left)}–${Math.round(r.right)} in ${c.vw}`);
      for (const l of r.labels)
        if (l.label !== l.header || l.shown !== l.header) problems.push(`${at} row ${i + 1}: cell labelled “${l.shown}” (data-label “${l.label}”), column “${l.header}”`);
      if (!r.actions.length) problems.push(`${at} row ${i + 1}: no actions`);
      for (const a of r.actions) {
        if (a.left < r.left || a.right > r.right) problems.push(`${at} row ${i + 1}: action ${a.text} outside its card`);
        if (a.height < 44) problems.push(`${at} row ${i + 1}: action ${a.text} ${a.height} px tall`);
      }
    }
    // the desktop keeps the table
    await page.setViewportSize({ width: 1280, height: 900 });
    const d = await page.evaluate(cards);
    if (d.headHidden || d.tableDisplay !== 'table' || d.rows.some((r) => r.display !== 'table-row')) problems.push(`${at}: not a table at 1,280 px`);
    await ctx.close();
  }
  assert.deepEqual(problems, []);
});

// A row of buttons written as a list (ul.actions, the KPI pages) shows the
// buttons only: no list bullets squeezed between them on a phone.
test('a row of buttons (ul.actions) has no list bullets', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 900 }, locale: 'th-TH' });
  const page = await ctx.newPage();
  await page.goto(server.base + '/signin');
  await page.locator('#f-login').fill('kpiowner');
  await page.locator('#f-password').fill(PW);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click()]);
  assert.equal((await page.goto(server.base + '/kpi')).status(), 200);
  const items = await page.evaluate(() => [...document.querySelectorAll('main ul.actions > li')].map((li) => getComputedStyle(li).listStyleType));
  assert.ok(items.length >= 2, 'the KPI list has its row of buttons');
  assert.deepEqual([...new Set(items)], ['none']);
  await ctx.close();
});

// The figures of a matrix are links too (the officer's dashboard: requests
// per service and status; the KPI matrix: a school's report per period):
// on a phone each one is reachable without sideways scrolling — no table
// region wider than its box, every link of the first rows inside the
// viewport — and each figure is labelled by its column (acceptance walk
// of issue 10, item g).
function figures() {
  const vw = window.innerWidth;
  const out = { vw, scrollWidth: document.documentElement.scrollWidth, wide: [], off: [], unlabelled: [], links: 0 };
  for (const region of document.querySelectorAll('main .table-scroll')) {
    if (!region.querySelector('table.matrix')) continue;
    if (region.scrollWidth > region.clientWidth + 1) out.wide.push(`${region.querySelector('caption')?.textContent.trim().slice(0, 40)}: ${region.scrollWidth} in ${region.clientWidth}`);
    for (const row of [...region.querySelectorAll('tbody tr')].slice(0, 3)) {
      for (const a of row.querySelectorAll('a[href]')) {
        out.links++;
        const b = a.getBoundingClientRect();
        if (b.left < -0.5 || b.right > vw + 0.5) out.off.push(`${a.textContent.trim().slice(0, 20)} [${Math.round(b.left)}–${Math.round(b.right)}]`);
      }
      for (const td of row.querySelectorAll('td')) {
        if (td.getBoundingClientRect().width === 0) continue;
        if (!getComputedStyle(td, '::before').content.replace(/^"|"$|^none$/g, '')) out.unlabelled.push(td.textContent.trim().slice(0, 20));
      }
    }
  }
  return out;
}

// Acceptance walk of issues 10 and 13: on a 1,280 px laptop the officer's
// status table scrolled inside its region (1,554 px in 1,102), so the
// "เกิน 5 วันทำการ" column — the overdue requests, the figure an officer
// looks for — was out of view. Its long status headers wrap at Thai word
// boundaries instead, and every column fits.
test('the officer\'s dashboard fits a 1,280 px laptop: every status column and its figures in view, no sideways scroll', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'th-TH' });
  const page = await ctx.newPage();
  await page.goto(server.base + '/signin');
  await page.locator('#f-login').fill('officer');
  await page.locator('#f-password').fill(PW);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click()]);
  assert.equal((await page.goto(server.base + '/oss/manage')).status(), 200);
  const m = await page.evaluate(() => {
    const region = document.querySelector('main .table-scroll');
    const rb = region.getBoundingClientRect();
    const out = { sw: region.scrollWidth, cw: region.clientWidth, off: [] };
    for (const el of region.querySelectorAll('thead th, tbody td')) {
      const b = el.getBoundingClientRect();
      if (b.right > rb.right + 0.5 || b.right > window.innerWidth) out.off.push(`${(el.dataset.label || el.textContent).trim().slice(0, 25)} [${Math.round(b.left)}–${Math.round(b.right)}]`);
    }
    return out;
  });
  await ctx.close();
  assert.ok(m.sw <= m.cw + 1, `the status table ${m.sw} px in its ${m.cw} px region`);
  assert.deepEqual([...new Set(m.off)], []);
});

test('matrix figures fit a 390 px phone: the officer\'s dashboard and the KPI matrix (area and school), each figure in view and labelled', async () => {
  const problems = [];
  for (const [login, path] of [
    ['officer', '/oss/manage'],
    ['areaadmin1', `/kpi/indicators/${indicatorId}/matrix`],
    ['schooladmin', `/kpi/indicators/${indicatorId}/matrix`],
  ]) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 900 }, locale: 'th-TH' });
    const page = await ctx.newPage();
    await page.goto(server.base + '/signin');
    await page.locator('#f-login').fill(login);
    await page.locator('#f-password').fill(PW);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click()]);
    assert.equal((await page.goto(server.base + path)).status(), 200, `${login} ${path}`);
    const f = await page.evaluate(figures);
    const at = `${login} ${path}`;
    if (f.scrollWidth > f.vw) problems.push(`${at}: page ${f.scrollWidth} px wide in ${f.vw}`);
    if (!f.links && login !== 'schooladmin') problems.push(`${at}: no figure links to check`);
    for (const w of f.wide) problems.push(`${at}: table scrolls sideways: ${w}`);
    for (const o of f.off) problems.push(`${at}: figure off-screen: ${o}`);
    if (f.unlabelled.length) problems.push(`${at}: figures without their column's label: ${f.unlabelled.slice(0, 5).join(', ')}`);
    await ctx.close();
  }
  assert.deepEqual(problems, []);
});
