#!/bin/sh
# Installs what tagar needs to build on Debian 12: the compiler and make,
# and the -dev packages of the libraries it uses.  Uses sudo unless run as
# root; installs only what is missing.  `make deps` runs this script.
set -e
packages="build-essential pkg-config libsvm-dev liblinear-dev libutf8proc-dev libstemmer-dev
	libcjson-dev libxxhash-dev libpcre2-dev libxml2-dev zlib1g-dev libraptor2-dev"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "all build dependencies are installed"
	exit 0
fi
echo "installing:$missing"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q $missing
