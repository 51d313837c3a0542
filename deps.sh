#!/bin/sh
# Installs what tagar needs on Debian 12 to build and to run `make check`:
# the compiler and make, the -dev packages of the libraries it uses, and
# python3 (the CLI tests check JSON output with it, tests/feedserver.py
# serves tagar-feeds' fixtures; python3-yaml reads serve/openapi.yaml), xmllint (libxml2-utils: the per-tag feeds),
# curl (tagar-serve's HTTP tests), and chromium with chromium-driver
# (tagar-serve's page in a browser, tests/page.sh; it skips without them).
# Optional test tools
# (the id_ID.UTF-8 locale, GNU parallel, valgrind, clang) are not installed:
# the tests that need them skip with a message.  Uses sudo unless run as
# root; installs only what is missing.  `make deps` runs this script.
# libcurl's headers are libcurl4-gnutls-dev: libraptor2-dev depends on it,
# and libcurl4-openssl-dev would remove both.
set -e
build="build-essential pkg-config libsvm-dev liblinear-dev libutf8proc-dev libstemmer-dev
	libcjson-dev libxxhash-dev libpcre2-dev libxml2-dev zlib1g-dev libraptor2-dev
	libcurl4-gnutls-dev libsqlite3-dev libmicrohttpd-dev"
test="python3 python3-yaml libxml2-utils curl chromium chromium-driver"
missing=""
for p in $build $test; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "all build and test dependencies are installed"
	exit 0
fi
echo "installing:$missing"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q $missing
