#!/bin/sh
# tagar-feeds against a local HTTP server of the project's own
# (tests/feedserver.py on 127.0.0.1, a free port): OPML in, faults reported
# and backed off, conditional GET, gzip, only new items, changed items,
# the archive queried and retagged, per-tag RSS feeds, and a run killed
# (SIGKILL, SIGTERM) and rerun storing every item exactly once.
# Usage: tests/feeds-net.sh BINDIR      (run from the top of the source tree)
suite=feeds-net
. tests/lib.sh

feeds=$bin/tagar-feeds
model=models/default.tgm
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

python3 tests/feedserver.py "$tmp/port" 2> "$tmp/server.err" &
server_pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$tmp/port" ]; then
	ko "the test server did not start"; cat "$tmp/server.err"; finish; exit
fi
base=http://127.0.0.1:$(cat "$tmp/port")
get() { python3 -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())' "$1"; }
stat() { get "$base/stats" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
get "$base/feeds.opml" > "$tmp/feeds.opml"
db=$tmp/archive.db
run() { "$feeds" -m "$model" --db "$db" --timeout 1 --max-bytes 1000000 "$@"; }

# --- the first run: the good feeds' items out, every fault named with its URL
expect 1 "first run (some feeds fail)" -- run "$tmp/feeds.opml"
cp "$tmp/out" "$tmp/first.jsonl"
for f in /feed/1.xml /feed/2.xml /atom/3.xml /etag.xml /changing.xml /gzip.xml /redirect.xml; do
	contains "$tmp/out" "\"feed\": \"$base$f\"" "items of $f"
done
contains "$tmp/err" "$base/error500.xml: HTTP 500" "500 reported"
contains "$tmp/err" "$base/missing.xml: HTTP 404" "404 reported"
contains "$tmp/err" "$base/slow.xml: Operation timed out" "slow response reported as a timeout"
contains "$tmp/err" "$base/loop: Maximum (5) redirects followed" "redirect loop reported"
contains "$tmp/err" "$base/truncated.xml: transfer closed with" "truncated body reported"
contains "$tmp/err" "$base/big.xml: body over the limit of 1000000 bytes" "oversized body reported"
contains "$tmp/err" "$base/page.html: an HTML page, not a feed" "HTML page reported"
contains "$tmp/err" "$base/invalid.xml:1: malformed XML" "invalid XML reported with its line"
contains "$tmp/err" "15 feed(s): 7 fetched, 0 not modified, 8 failed" "summary counts"
lacks "$tmp/out" "error500" "no record from a failed feed"
[ "$(stat 'd["gzip"]')" -ge 1 ] && ok || ko "gzip was not asked for"
# the record shape of tagar-classify --json, plus the feed
python3 - "$tmp/out" <<'PY' && ok || ko "records are not JSON Lines of the classify shape"
import json, sys
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert list(r)[:1] == ["id"] and "feed" in r and "tags" in r, r
    assert all(set(t) == {"tag", "score"} for t in r["tags"]), r
    n += 1
assert n > 20, n
PY
get "$base/feed/2.xml" > "$tmp/feed2.xml"
"$bin/tagar-classify" -m "$model" --json "$tmp/feed2.xml" > "$tmp/classify.jsonl"
python3 - "$tmp/first.jsonl" "$tmp/classify.jsonl" "$base/feed/2.xml" <<'PY' && ok || ko "feed records differ from tagar-classify's"
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["feed"] == sys.argv[3]]
for r in ours:
    del r["feed"]
theirs = [json.loads(l) for l in open(sys.argv[2])]
assert ours == theirs and ours, (ours, theirs)
PY

expect 1 "--max-redirects 0" -- "$feeds" -m "$model" --db "$tmp/redirect.db" --max-redirects 0 "$base/redirect.xml"
contains "$tmp/err" "$base/redirect.xml: HTTP 301, a redirect not followed" "redirect not followed, said so"

closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
expect 1 "connection refused" -- "$feeds" -m "$model" --db "$tmp/refused.db" "http://127.0.0.1:$closed/feed.xml" "$base/feed/1.xml"
contains "$tmp/err" "http://127.0.0.1:$closed/feed.xml: Failed to connect" "refused connection reported with its URL"
lines "$tmp/out" 5 "the other feed goes on"
expect 0 "invalid UTF-8 repaired" -- "$feeds" -m "$model" --db "$tmp/utf8.db" "$base/badutf8.xml"
lines "$tmp/out" 2 "a feed with an invalid byte keeps its items"
contains "$tmp/err" "$base/badutf8.xml: warning: 1 invalid UTF-8 byte(s) replaced by U+FFFD" "repair said"

# --- run again: nothing new; the failing feeds wait for their backoff;
# the feeds with validators cost a 304
expect 0 "second run" -- run "$tmp/feeds.opml"
lines "$tmp/out" 0 "second run: zero new items"
contains "$tmp/err" "$base/slow.xml: skipped: failed 1 time(s), next try in" "failing feed backed off"
contains "$tmp/err" "0 new item(s)" "summary: no new item"
[ "$(stat 'd["not_modified"].get("/etag.xml", 0)')" -ge 1 ] && ok || ko "no 304 for /etag.xml"
[ "$(stat 'd["if_none_match"].get("/etag.xml", 0)')" -ge 1 ] && ok || ko "no If-None-Match sent"
contains "$tmp/err" "not modified" "summary counts not-modified feeds"
expect 1 "--retry-failed ignores the backoff" -- run --retry-failed -q "$tmp/feeds.opml"
lines "$tmp/out" 0 "retry: still zero new items"
contains "$tmp/err" "$base/error500.xml: HTTP 500" "retried feed fails again"
python3 - "$db" "$base/error500.xml" <<'PY' && ok || ko "failure and backoff not recorded in the archive"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
st, err, fails, nxt, last = c.execute("SELECT status, error, failures, next_retry, last_fetched FROM feeds WHERE url = ?", (sys.argv[2],)).fetchone()
assert st == "failed" and err == "HTTP 500" and fails == 2 and nxt - last == 600, (st, err, fails, nxt, last)
PY

# --- a feed whose items change: the new one tagged, the edited one with --update-changed
get "$base/control?changing=2" > /dev/null
expect 0 "changed feed" -- run "$base/changing.xml"
lines "$tmp/out" 1 "only the new item of a changed feed"
get "$base/control?changing=3" > /dev/null
expect 0 "changed item, --update-changed" -- run --update-changed "$base/changing.xml"
lines "$tmp/out" 1 "the edited item retagged"
contains "$tmp/out" "/changing/1\"" "the edited item's record"
contains "$tmp/err" "0 new item(s), 1 updated" "summary counts the update"
expect 0 "and again" -- run --update-changed "$base/changing.xml"
lines "$tmp/out" 0 "an item updated once"

# --- query
expect 0 "query all" -- "$feeds" query --db "$db"
cp "$tmp/out" "$tmp/all.jsonl"
total=$(wc -l < "$tmp/all.jsonl")
python3 - "$db" "$total" <<'PY' && ok || ko "query does not give every item once"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n, = c.execute("SELECT count(*) FROM items").fetchone()
assert n == int(sys.argv[2]), (n, sys.argv[2])
PY
python3 - "$tmp/all.jsonl" <<'PY' && ok || ko "query is not newest first"
import json, sys, email.utils
rs = [json.loads(l) for l in open(sys.argv[1])]
def t(r):
    d = r.get("date", "")
    return email.utils.parsedate_to_datetime(d).timestamp() if "," in d else None
ts = [t(r) for r in rs if t(r) is not None]
assert ts == sorted(ts, reverse=True) and len(ts) > 10
PY
tag=$(python3 -c 'import json,sys,collections; c=collections.Counter(t["tag"] for l in open(sys.argv[1]) for t in json.loads(l)["tags"]); print(c.most_common(1)[0][0])' "$tmp/all.jsonl")
expect 0 "query --tag" -- "$feeds" query --db "$db" --tag "$tag"
python3 - "$tmp/out" "$tmp/all.jsonl" "$tag" <<'PY' && ok || ko "query --tag $tag"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = [r for r in map(json.loads, open(sys.argv[2])) if any(t["tag"] == sys.argv[3] for t in r["tags"])]
assert got == want and got, (len(got), len(want))
PY
expect 0 "query --feed" -- "$feeds" query --db "$db" --feed "$base/atom/3.xml"
lines "$tmp/out" 5 "query --feed: that feed's items"
lacks "$tmp/out" "/feed/1.xml" "query --feed: no other feed"
expect 0 "query --since (future)" -- "$feeds" query --db "$db" --since 2099-01-01
lines "$tmp/out" 0 "query --since a future date"
expect 0 "query --since (past)" -- "$feeds" query --db "$db" --since 2000-01-01T00:00:00Z --limit 3
lines "$tmp/out" 3 "query --since --limit"
expect 0 "query --search" -- "$feeds" query --db "$db" --search diperbarui
lines "$tmp/out" 1 "query --search finds the edited title"
contains "$tmp/out" "/changing/1\"" "query --search: the right item"
expect 0 "query --search with punctuation (no FTS5 syntax error)" -- "$feeds" query --db "$db" --search 'e-ktp "x'
expect 0 "query --search of no words" -- "$feeds" query --db "$db" --search ' '
lines "$tmp/out" "$total" "query --search of no words: every item"
expect 0 "query --search with operators" -- "$feeds" query --db "$db" --search 'diperbarui OR zzzz'
lines "$tmp/out" 1 "query --search OR"
expect 2 "query --since nonsense" -- "$feeds" query --db "$db" --since yesterday
contains "$tmp/err" "--since: 'yesterday'" "bad --since named"
expect 3 "query a missing archive" -- "$feeds" query --db "$tmp/none.db"
contains "$tmp/err" "none.db" "missing archive named"

# --- per-tag feeds: valid RSS, the tag's latest items
expect 0 "per-tag feeds" -- run -q --per-tag-feeds "$tmp/tags" --per-tag-items 3 "$base/feed/1.xml"
n=$(ls "$tmp/tags" | wc -l)
[ "$n" -gt 3 ] && ok || ko "per-tag feeds: $n files"
[ -f "$tmp/tags/$tag.xml" ] && ok || ko "no $tag.xml"
if command -v xmllint > /dev/null; then
	xmllint --noout "$tmp"/tags/*.xml 2> "$tmp/xmllint" && ok || { ko "per-tag feeds are not well-formed"; head -5 "$tmp/xmllint"; }
else
	echo "feeds-net: xmllint missing (apt-get install libxml2-utils): well-formedness not checked"
fi
python3 - "$tmp/tags/$tag.xml" "$tag" <<'PY' && ok || ko "per-tag feed is not RSS 2.0 with the tag's items"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "rss" and root.get("version") == "2.0"
items = root.findall("channel/item")
assert 1 <= len(items) <= 3, len(items)
for it in items:
    assert it.find("link").text.startswith("http://news.test/")
    assert it.find("category").text == sys.argv[2]
    assert it.find("source").get("url").startswith("http://127.0.0.1:")
    assert it.find("pubDate") is not None
    assert 0 <= float(it.find("{urn:tagar}score").text) <= 1
PY
lacks "$tmp/err" "tmp." "no temporary file left"
[ -z "$(ls "$tmp/tags" | grep -v '\.xml$')" ] && ok || ko "temporary files left in the per-tag directory"

# --- retag with another model, on all cores
"$bin/tagar-train" -q -o "$tmp/sample.tgm" data/sample.jsonl || ko "train the sample model"
expect 0 "retag" -- "$feeds" retag --db "$db" -m "$tmp/sample.tgm" -j 2
contains "$tmp/err" "$total item(s) retagged with sample.tgm:" "retag counts every item"
python3 - "$db" <<'PY' && ok || ko "retag did not store the new model's records"
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = c.execute("SELECT model, record FROM items").fetchall()
assert rows and all(m.startswith("sample.tgm:") for m, _ in rows)
for _, rec in rows:
    json.loads(rec)
tags = {t for t, in c.execute("SELECT DISTINCT tag FROM item_tags")}
assert tags, tags
PY
expect 0 "query after retag" -- "$feeds" query --db "$db"
lines "$tmp/out" "$total" "retag keeps every item"

# --- lists of URLs: comments, blank lines, bad lines named by line
printf '# feeds\n\n%s  Feed satu\n%s\n\tbad\001url\n' "$base/feed/1.xml" "$base/feed/1.xml" > "$tmp/list.txt"
expect 1 "URL list with a bad line" -- run -q "$tmp/list.txt"
contains "$tmp/err" "list.txt:5: URL holds white space or a control character; skipped" "bad list line named"
expect 2 "no --db" -- "$feeds" "$tmp/list.txt"
expect 2 "no sources" -- "$feeds" --db "$db"
printf '<?xml version="1.0"?>\n<opml version="2.0"><body><outline xmlUrl="x"></body></opml>\n' > "$tmp/bad.opml"
expect 2 "malformed OPML" -- run "$tmp/bad.opml"
contains "$tmp/err" "bad.opml:3: malformed XML" "malformed OPML named with its line"

# --- a newer archive is refused
cp "$db" "$tmp/newer.db"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 99"); c.commit()' "$tmp/newer.db"
expect 3 "newer archive" -- "$feeds" query --db "$tmp/newer.db"
contains "$tmp/err" "archive schema version 99, newer" "newer archive refused"

# --- killed mid-run (SIGKILL, then SIGTERM), rerun: every item exactly once
get "$base/bench.opml?feeds=40&items=50&delay=0.05" > "$tmp/bench.opml"
killed_run() { # SIGNAL DB OUT: starts a run, signals it after its first record
	rm -f "$3"  # else the wait below may see an earlier run's records
	"$feeds" -m "$model" --db "$2" --parallel 2 -j 1 -q "$tmp/bench.opml" > "$3" 2> "$3.err" &
	pid=$!
	i=0
	while [ ! -s "$3" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
	kill "-$1" "$pid"
	wait "$pid"
}
for sig in KILL TERM; do
	kdb=$tmp/killed-$sig.db
	killed_run $sig "$kdb" "$tmp/k1.jsonl" 2> /dev/null  # the shell's "Killed"
	rc=$?
	want=137; [ $sig = TERM ] && want=143
	[ $rc -eq $want ] && ok || ko "SIG$sig: exit $rc, want $want"
	n1=$(wc -l < "$tmp/k1.jsonl")
	[ "$n1" -gt 0 ] && [ "$n1" -lt 2000 ] && ok || ko "SIG$sig: the run was not stopped midway ($n1 records)"
	expect 0 "rerun after SIG$sig" -- "$feeds" -m "$model" --db "$kdb" --parallel 4 -q "$tmp/bench.opml"
	cat "$tmp/k1.jsonl" "$tmp/out" > "$tmp/k.jsonl"
	python3 - "$kdb" "$tmp/k.jsonl" <<'PY' && ok || ko "SIG$sig: items not stored exactly once"
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n, d = c.execute("SELECT count(*), count(DISTINCT feed || ' ' || key) FROM items").fetchone()
assert n == d == 2000, (n, d)
assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
out = [(r["feed"], r["id"]) for r in map(json.loads, open(sys.argv[2]))]
assert len(out) == len(set(out)), "an item written twice"
assert len(out) >= 2000 - 40, len(out)
PY
done

finish
