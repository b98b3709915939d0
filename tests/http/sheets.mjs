// sheets.mjs: reading the exports as a spreadsheet would, for the
// HTTP tests — download(c, path) fetches a file with the client's cookies as
// bytes; readCsv checks the BOM and CRLF and returns the rows; readXlsx
// opens the workbook (unzip + its XML, independent of libxlsxwriter) and
// returns its sheet names, frozen panes, whether the header row is bold,
// and the cells as {type, value, format}: 's' text, 'n' number, 'd' date
// (a number cell whose format is a date: value is the JS Date of the
// serial, in UTC, and format its code).
import assert from 'node:assert/strict';
import { unzip, parseCsv } from './lib.mjs';

export async function download(c, path) {
  const headers = {};
  if (c.cookies.size) headers.cookie = c.cookieHeader();
  if (c.ip) headers['x-forwarded-for'] = c.ip;
  const res = await fetch(c.base + path, { headers, redirect: 'manual' });
  c.keepCookies(res);
  return { status: res.status, headers: res.headers, buf: Buffer.from(await res.arrayBuffer()) };
}

export function readCsv(buf) {
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const text = buf.subarray(3).toString('utf8');
  assert.ok(text.endsWith('\r\n'), 'CRLF line ends');
  assert.ok(!/[^\r]\n/.test(text.replace(/"(?:[^"]|"")*"/g, '')), 'no bare LF outside quotes');
  return { text, rows: parseCsv(text) };
}

const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const BUILTIN_DATE = new Set([14, 15, 16, 17, 22]);

export function readXlsx(buf) {
  assert.equal(buf.subarray(0, 2).toString(), 'PK', 'a zip');
  const z = unzip(buf);
  const wb = z['xl/workbook.xml'];
  const sheets = [...wb.matchAll(/<sheet [^>]*name="([^"]*)"/g)].map((m) => unxml(m[1]));
  const styles = z['xl/styles.xml'] || '';
  const fmts = new Map([...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/g)].map((m) => [Number(m[1]), unxml(m[2])]));
  const xfs = ((styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/) || [])[1] || '');
  const xf = [...xfs.matchAll(/<xf ([^>]*?)\/?>/g)].map((m) => ({
    numFmt: Number((m[1].match(/numFmtId="(\d+)"/) || [])[1] || 0),
    font: Number((m[1].match(/fontId="(\d+)"/) || [])[1] || 0),
  }));
  const fonts = [...(((styles.match(/<fonts[^>]*>([\s\S]*?)<\/fonts>/) || [])[1]) || '').matchAll(/<font>([\s\S]*?)<\/font>|<font\/>/g)].map((m) => /<b\/>/.test(m[1] || ''));
  const shared = [...(z['xl/sharedStrings.xml'] || '').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => unxml([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  const ws = z['xl/worksheets/sheet1.xml'];
  const rows = [];
  const styleOf = [];
  for (const rm of ws.matchAll(/<row [^>]*r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)) {
    const r = Number(rm[1]) - 1;
    rows[r] = [];
    styleOf[r] = [];
    for (const cm of rm[2].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const col = [...cm[1]].reduce((a, ch) => a * 26 + ch.charCodeAt(0) - 64, 0) - 1;
      const attrs = cm[2], inner = cm[3] || '';
      const t = (attrs.match(/ t="([^"]*)"/) || [])[1];
      const s = Number((attrs.match(/ s="(\d+)"/) || [])[1] || 0);
      const fmtId = xf[s]?.numFmt || 0;
      const format = fmts.get(fmtId) || (fmtId ? `builtin:${fmtId}` : 'General');
      styleOf[r][col] = xf[s];
      let cell;
      if (t === 'inlineStr') cell = { type: 's', value: unxml([...inner.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((x) => x[1]).join('')) };
      else if (t === 's') cell = { type: 's', value: shared[Number((inner.match(/<v>([^<]*)<\/v>/) || [])[1])] };
      else if (t === 'str') cell = { type: 'f', value: (inner.match(/<v>([^<]*)<\/v>/) || [])[1] };
      else {
        const v = (inner.match(/<v>([^<]*)<\/v>/) || [])[1];
        if (v === undefined) continue;
        const n = Number(v);
        const isDate = BUILTIN_DATE.has(fmtId) || (fmts.has(fmtId) && /(^|[^"\\])[dy]/i.test(fmts.get(fmtId).replace(/\[[^\]]*\]/g, '').replace(/"[^"]*"/g, '')));
        cell = isDate ? { type: 'd', value: new Date(Math.round((n - 25569) * 86400000)), serial: n } : { type: 'n', value: n };
      }
      if (/<f>/.test(inner)) cell.formula = true;
      cell.format = format;
      rows[r][col] = cell;
    }
  }
  const pane = ws.match(/<pane [^>]*>/);
  const frozen = pane ? { rows: Number((pane[0].match(/ySplit="(\d+)"/) || [])[1] || 0), state: (pane[0].match(/state="([^"]*)"/) || [])[1] } : null;
  const headerBold = (styleOf[0] || []).length > 0 && styleOf[0].every((x) => x && fonts[x.font]);
  const widths = [...ws.matchAll(/<col [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
  return { sheets, rows, frozen, headerBold, widths, title: ((z['docProps/core.xml'] || '').match(/<dc:title>([^<]*)</) || [])[1] };
}

// The checks every XLSX export passes: one sheet named within 31 characters
// on a word boundary of the title, a bold frozen header row, widths, no
// formula anywhere.
export function assertWorkbook(x, header) {
  assert.equal(x.sheets.length, 1);
  assert.ok([...x.sheets[0]].length <= 31, `sheet name ${x.sheets[0]}`);
  assert.ok(x.headerBold, 'header row bold');
  assert.deepEqual(x.frozen, { rows: 1, state: 'frozen' });
  assert.ok(x.widths.length >= 1, 'column widths');
  assert.deepEqual(x.rows[0].map((c) => c.value), header);
  for (const row of x.rows) for (const c of row || []) assert.ok(!c?.formula, 'no formula');
}

// Thai words of a title, as a test can know them without libthai: a sheet
// name must be the title itself or end where the title has a space or where
// a word the test names ends. A title that ends in a number (an area's
// "เขต 2", a year) and is cut keeps the number after the words that fit.
export function assertSheetName(name, title, words = []) {
  const num = / (\d+)$/.exec(title);
  if (num && name !== title && [...title].length > 31) {
    assert.ok(name.endsWith(` ${num[1]}`), `"${name}" keeps the number ${num[1]} of "${title}"`);
    name = name.slice(0, -num[0].length);
    title = title.slice(0, -num[0].length);
  }
  assert.ok(title.startsWith(name), `${name} is a prefix of ${title}`);
  if (name === title) return;
  const rest = title.slice(name.length);
  assert.ok(/^\s/.test(rest) || /\s$/.test(name) || words.some((w) => name.endsWith(w)), `"${name}" cut mid-word from "${title}"`);
}

// Today in Bangkok as a download name dates it: the Buddhist Era year,
// "2569-12-07" (CE 2026). Around midnight a test may straddle the day, so
// both days are accepted.
export function beToday(t = Date.now()) {
  const d = new Date(t + 7 * 3600e3);
  return `${d.getUTCFullYear() + 543}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}
const beDays = () => `(?:${beToday(Date.now() - 60e3)}|${beToday()})`;

// The file name: ASCII base, today's BE date, the extension; and the
// UTF-8 name, with the same date.
export function assertFileName(res, base, ext) {
  const cd = res.headers.get('content-disposition') || '';
  const day = beDays();
  assert.match(cd, new RegExp(`^attachment; filename="${base}-${day}\\.${ext}"; filename\\*=UTF-8''\\S+-${day}\\.${ext}$`), cd);
  return decodeURIComponent(cd.split("UTF-8''")[1]);
}
