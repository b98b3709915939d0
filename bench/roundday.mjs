// bench/roundday.mjs: the census's round day for `make bench-national`
// (bench/national.sh). Every school of the list confirms and then
// certifies the round at once, as its people would: the school's data
// officer opens the school's census page (/dmc/schools/SID), takes the
// form's CSRF field and presses "confirm"; then its director opens the page
// and presses "certify". All schools start together (one async flow each,
// no pool: a connection per school). Every step must answer as the page
// does on success (200 for the page, 303 back to it for the POST), else the
// run fails; the latency of each request is kept and the percentiles are
// printed on one line national.sh parses:
//   ROUNDDAY schools=N ok=N failed=N wall_ms=… post_p50_ms=… post_p99_ms=… post_max_ms=… all_p99_ms=…
// Usage: node bench/roundday.mjs BASE_URL ROUND_ID SID,SID,...
// The sessions are the bench's (bench/national.sql): the officer of school
// SID holds the cookie token "bencho<SID>x" padded with 0 to 43
// characters, its director "benchc<SID>x".
import http from 'node:http';

const [base, roundId, list] = process.argv.slice(2);
if (!base || !roundId || !list) {
	console.error('usage: node bench/roundday.mjs BASE_URL ROUND_ID SID,SID,...');
	process.exit(2);
}
const schools = list.split(',').filter(Boolean).map(Number);
const url = new URL(base);
// a connection per request, as 300 schools' browsers on their own lines
// (a kept-alive socket idle past the server's --header-timeout would be
// closed under the client and fail a step for no fault of the server)
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const token = (kind, sid) => `bench${kind}${sid}x`.padEnd(43, '0');

function request(method, path, cookie, body) {
	return new Promise((resolve, reject) => {
		const t0 = process.hrtime.bigint();
		const headers = { Cookie: `khet_session=${cookie}`, Accept: 'text/html' };
		if (body !== undefined) {
			headers['Content-Type'] = 'application/x-www-form-urlencoded';
			headers['Content-Length'] = Buffer.byteLength(body);
		}
		const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const ms = Number(process.hrtime.bigint() - t0) / 1e6;
				resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms, location: res.headers.location });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		if (body !== undefined) req.write(body);
		req.end();
	});
}

const posts = [];
const all = [];
const failures = [];

async function step(sid, kind, action) {
	const cookie = token(kind, sid);
	const page = await request('GET', `/dmc/schools/${sid}`, cookie);
	all.push(page.ms);
	if (page.status !== 200) throw new Error(`school ${sid}: GET /dmc/schools/${sid} as ${kind} answered ${page.status}`);
	const path = `/dmc/schools/${sid}/rounds/${roundId}/${action}`;
	const form = new RegExp(`action="${path}">\\s*<input type="hidden" name="_csrf" value="([^"]+)"`).exec(page.body);
	if (!form) throw new Error(`school ${sid}: no ${action} form on its page for ${kind}`);
	const res = await request('POST', path, cookie, `_csrf=${encodeURIComponent(form[1])}`);
	posts.push(res.ms);
	all.push(res.ms);
	if (res.status !== 303 || res.location !== `/dmc/schools/${sid}`) {
		const msg = /class="[^"]*error[^"]*"[^>]*>([^<]+)/.exec(res.body);
		throw new Error(`school ${sid}: POST ${action} answered ${res.status}${msg ? ': ' + msg[1].trim() : ''}`);
	}
}

async function school(sid) {
	try {
		await step(sid, 'o', 'confirm');
		await step(sid, 'c', 'certify');
	} catch (err) {
		failures.push(err.message);
	}
}

const pct = (xs, p) => {
	if (!xs.length) return 0;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const t0 = Date.now();
await Promise.all(schools.map(school));
const wall = Date.now() - t0;
agent.destroy();
for (const f of failures.slice(0, 10)) console.error(`roundday: ${f}`);
const f2 = (x) => x.toFixed(1);
console.log(
	`ROUNDDAY schools=${schools.length} ok=${schools.length - failures.length} failed=${failures.length} wall_ms=${wall} ` +
		`post_p50_ms=${f2(pct(posts, 50))} post_p99_ms=${f2(pct(posts, 99))} post_max_ms=${f2(Math.max(0, ...posts))} ` +
		`all_p99_ms=${f2(pct(all, 99))} posts=${posts.length}`,
);
process.exit(failures.length ? 1 : 0);
