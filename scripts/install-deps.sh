#!/bin/sh
# Installs the Debian packages Khet builds, runs, tests and benches with
# (nginx-light: `make bench` measures Khet's pages against nginx serving the
# same bytes as a static file, in the same run, and deploy.test.mjs runs
# deploy/nginx.conf; poppler-utils: the tests read the text of the PDFs Khet
# makes with pdftotext; systemd: systemd-analyze rates deploy/khet.service;
# openssl: deploy.test.mjs's throwaway certificate; clang and libclang-rt-dev:
# the libFuzzer targets of tests/fuzz, make fuzz; libpng-dev, libjpeg-dev: an
# uploaded image is read whole, core/filecheck). Idempotent:
# when everything is present it prints nothing and touches nothing.
set -eu

PKGS="build-essential pkg-config
zlib1g-dev libdeflate-dev libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev
libthai-dev libmagic-dev libcurl4-openssl-dev libcairo2-dev libpango1.0-dev
libxlsxwriter-dev libqrencode-dev libcmocka-dev libzip-dev libexpat1-dev libpng-dev libjpeg-dev
fonts-tlwg-laksaman sqlite3 postgresql-15 postgresql-client-15 clang libclang-rt-dev
chromium wrk nginx-light curl python3-aiosmtpd poppler-utils systemd openssl pgbouncer"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "khet: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
