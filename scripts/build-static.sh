#!/bin/sh
# Builds static/dist (content-hashed CSS, JS and fonts + manifest.json) from
# static/src and the npm packages pinned in package-lock.json. Idempotent:
# when nothing changed it prints nothing and touches nothing, so `make` can
# call it every time. npm runs only when node_modules is missing or older
# than package-lock.json; the copy runs only when an input is newer than the
# last build (static/dist/.stamp). The work is in scripts/build-static.mjs.
set -eu
cd "$(dirname "$0")/.."

need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "khet: $1 not found; install Node.js 18+ and npm (Debian: apt-get install nodejs npm)" >&2
	exit 1
}

# npm ci deletes node_modules first, so a marker inside it tells "installed
# from this lock file" better than the folder's own mtime does.
npm_stamp=node_modules/.khet-npm-ci
if [ ! -e "$npm_stamp" ] || [ package-lock.json -nt "$npm_stamp" ]; then
	need npm
	echo "khet: installing npm packages from package-lock.json"
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
	touch "$npm_stamp"
fi

dist=static/dist
stamp=$dist/.stamp
if [ -e "$stamp" ] && [ -e "$dist/manifest.json" ] &&
	[ -z "$(find static/src package-lock.json "$npm_stamp" scripts/build-static.sh scripts/build-static.mjs \
		-newer "$stamp" -print 2>/dev/null | head -n 1)" ]; then
	exit 0
fi

need node
mkdir -p "$dist"
# The stamp is taken before the build, so a source saved during it is newer
# than the stamp and triggers the next build.
touch "$dist/.stamp.new"
node scripts/build-static.mjs
mv "$dist/.stamp.new" "$stamp"
