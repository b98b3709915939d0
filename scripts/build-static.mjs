// build-static.mjs — builds static/dist, the only folder `khet serve` serves
// under /static/. Each asset is copied under a content-hashed name
// (name.<first 10 hex of sha256>.ext) so the server can let browsers cache it
// for a year: a changed file gets a new name, and the page that links it
// (rendered with the new manifest) is what changes. static/dist/manifest.json
// maps logical names to URLs; the server loads it at start, and the layout
// gets each URL as asset.<logical name with every non-alphanumeric → "_">
// (app.css → asset.app_css). Our CSS names other assets as
// url("asset:<logical name>") and gets their hashed URLs substituted here.
// Files no longer in the manifest are removed, so dist always equals the
// manifest. Called by scripts/build-static.sh, which decides whether a build
// is needed; this script always builds.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "static", "dist");
const fonts = "node_modules/@fontsource/sarabun/files/";

// Order matters: an asset may refer only to assets listed before it.
const assets = [
	["sarabun-thai-400-normal.woff2", fonts + "sarabun-thai-400-normal.woff2"],
	["sarabun-thai-700-normal.woff2", fonts + "sarabun-thai-700-normal.woff2"],
	["sarabun-latin-400-normal.woff2", fonts + "sarabun-latin-400-normal.woff2"],
	["sarabun-latin-700-normal.woff2", fonts + "sarabun-latin-700-normal.woff2"],
	["favicon.svg", "static/src/favicon.svg"],
	["htmx.js", "node_modules/htmx.org/dist/htmx.min.js"],
	// ALTCHA proof-of-work widget (ACC-3), the CSP-strict "external" build:
	// its stylesheet and worker are separate files, not inline.
	["altcha.js", "node_modules/altcha/dist_external/altcha.js"],
	["altcha-worker.js", "node_modules/altcha/dist_external/worker.js"],
	["altcha.css", "node_modules/altcha/dist_external/altcha.css"],
	["altcha-th.js", "node_modules/altcha/dist_i18n/th.js"],
	["app.js", "static/src/app.js"],
	["app.css", "static/src/app.css", (text, logical) => minifyCss(substituteAssetUrls(text, logical))],
];

const manifest = {};

function fail(msg) {
	process.stderr.write("build-static: " + msg + "\n");
	process.exit(1);
}

function substituteAssetUrls(text, logical) {
	const out = text.replace(/url\(\s*(["']?)asset:([^"')\s]+)\1\s*\)/g, (m, q, name) => {
		if (!manifest[name]) fail(`${logical} refers to asset:${name}, which is not built before it`);
		return `url("${manifest[name]}")`;
	});
	if (/url\(\s*["']?asset:/.test(out)) fail(`${logical}: a url("asset:…") reference could not be read`);
	return out;
}

// Conservative: drops comments and the whitespace the CSS grammar ignores,
// nothing else (no rule merging). Our sources keep their comments; what is
// sent to a phone on a slow link does not need them. Strings are kept as they
// are, so content: "✓ " survives.
function minifyCss(css) {
	const strings = [];
	const squeezed = css
		.replace(/\/\*[\s\S]*?\*\/|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/g,
			(m, str) => (str ? "\0" + (strings.push(str) - 1) + "\0" : " "))
		.replace(/\s+/g, " ")
		.replace(/\s*([{};,>])\s*/g, "$1")
		.replace(/;}/g, "}")
		.trim();
	return squeezed.replace(/\0(\d+)\0/g, (m, i) => strings[+i]) + "\n";
}

// Writes through a temporary name so a server reading dist never sees half a file.
function writeAtomic(path, data) {
	const tmp = path + ".tmp" + process.pid;
	writeFileSync(tmp, data);
	renameSync(tmp, path);
}

mkdirSync(dist, { recursive: true });
const keep = new Set(["manifest.json", ".stamp", ".stamp.new"]);

for (const [logical, src, transform] of assets) {
	let data;
	try {
		data = readFileSync(join(root, src));
	} catch (err) {
		fail(`cannot read ${src} for ${logical} (${err.code}); did npm ci run?`);
	}
	if (transform) data = Buffer.from(transform(data.toString("utf8"), logical), "utf8");
	const hash = createHash("sha256").update(data).digest("hex").slice(0, 10);
	const dot = logical.indexOf(".");
	const file = `${logical.slice(0, dot)}.${hash}${logical.slice(dot)}`;
	if (!existsSync(join(dist, file))) writeAtomic(join(dist, file), data);
	manifest[logical] = "/static/" + file;
	keep.add(file);
}

// Rewritten only when it changes: the Makefile compiles the manifest into the
// binary, and a comment-only edit of a source should not relink khet.
const manifestText = JSON.stringify(manifest, null, 2) + "\n";
const manifestPath = join(dist, "manifest.json");
if (!existsSync(manifestPath) || readFileSync(manifestPath, "utf8") !== manifestText) writeAtomic(manifestPath, manifestText);

for (const f of readdirSync(dist)) {
	if (!keep.has(f)) unlinkSync(join(dist, f));
}
