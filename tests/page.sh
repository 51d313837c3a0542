#!/bin/sh
# tagar-serve's page in headless Chromium (tests/page.py drives it through
# chromedriver): pasting an article shows its tags and highlights.  Skipped,
# with a message, without chromium and chromium-driver (Debian packages).
# SCREENSHOT=FILE keeps the screenshot (the README's: serve/page.png).
# Usage: tests/page.sh BINDIR      (run from the top of the source tree)
suite=page
. tests/lib.sh
if ! command -v chromium > /dev/null || ! command -v chromedriver > /dev/null; then
	echo "page: chromium or chromedriver not installed (apt-get install chromium chromium-driver): browser test skipped"
	finish
	exit
fi
"$bin/tagar-serve" -l 127.0.0.1:0 -j 2 --quiet 2> "$tmp/log" &
pid=$!
trap 'kill $pid 2> /dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 300); do
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/log")
	[ -n "$port" ] && break
	sleep 0.1
done
if [ -z "$port" ]; then
	ko "tagar-serve did not start"
	finish
	exit
fi
python3 tests/page.py "http://127.0.0.1:$port/" data/sample-article.txt "${SCREENSHOT:-$tmp/page.png}"
