#!/bin/sh
# Reliability of reading (issue 11): a model changed while tagging, work
# bounded per record, no text lost in silence, formats told apart, no
# blocking on FIFOs, records streamed without waiting for more input.
# Usage: tests/reliability-read.sh BINDIR   (from the top of the source tree)
suite=reliability-read
. tests/lib.sh

model=$tmp/m.tgm
"$train" -q -o "$model" data/sample.jsonl || ko "train the sample model"
"$train" -q -n 2 -C 10 -o "$tmp/other.tgm" data/sample.jsonl || ko "train a second model"
for i in $(seq 60); do cat data/sample.jsonl data/sample-eval.jsonl; done > "$tmp/big.jsonl"

# waits (at most 20 s) until FILE is not empty
wait_for() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
}
# waits (at most 10 s) until FILE has N lines
wait_lines() {
	i=0
	while [ "$(wc -l < "$1")" -lt "$2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

# --- 2. a model changed in place while tagging: the tagger keeps the
# model it loaded (same output as an unchanged run), no signal
"$classify" -m "$model" -j 2 < "$tmp/big.jsonl" > "$tmp/unchanged.out" || ko "unchanged batch run"
for change in copy truncate; do
	cp "$model" "$tmp/live.tgm"
	rm -f "$tmp/fifo" && mkfifo "$tmp/fifo"
	"$classify" -m "$tmp/live.tgm" -j 2 < "$tmp/fifo" > "$tmp/live.out" 2> "$tmp/live.err" &
	pid=$!
	exec 3> "$tmp/fifo"
	head -n 1000 "$tmp/big.jsonl" >&3
	wait_for "$tmp/live.out"  # the model is loaded and tagging has begun
	if [ $change = copy ]; then cp "$tmp/other.tgm" "$tmp/live.tgm"; else : > "$tmp/live.tgm"; fi
	tail -n +1001 "$tmp/big.jsonl" >&3
	exec 3>&-
	wait $pid
	rc=$?
	[ $rc -eq 0 ] && ok || ko "model changed by $change during a batch: exit $rc (a signal is > 128)"
	cmp -s "$tmp/unchanged.out" "$tmp/live.out" && ok || ko "model changed by $change during a batch: output differs from an unchanged run"
done

# a valid header on a huge (sparse) file: refused from the header, not read whole
cp "$model" "$tmp/sparse.tgm" && truncate -s +4G "$tmp/sparse.tgm"
expect 3 "model with a 4 GB tail is refused" -- timeout 10 "$classify" -m "$tmp/sparse.tgm" data/sample-article.txt
contains "$tmp/err" "trailing data" "model with a 4 GB tail: the size is named"
rm -f "$tmp/sparse.tgm"

# --- 3. one line cannot make the work on it grow faster than its bytes:
# 80,000 tags on one line (10 s when each tag was compared with every
# earlier one) are refused at once; 1000 long distinct tags are read in
# linear time
awk 'BEGIN { printf "{\"id\": \"many\", \"text\": \"KPK menahan tersangka korupsi\", \"tags\": [";
	for (i = 0; i < 80000; i++) printf "%s\"t%d\"", (i ? ", " : ""), i; print "]}" }' > "$tmp/tags.jsonl"
expect 1 "80,000 tags on one line: an error record, quickly" -- timeout 10 "$classify" -m "$model" "$tmp/tags.jsonl"
contains "$tmp/out" "lists more than 1000 tags" "80,000 tags: the limit is named"
expect 1 "80,000 tags in training: the line is refused, quickly" -- timeout 10 "$train" -q -o "$tmp/t.tgm" "$tmp/tags.jsonl"
contains "$tmp/err" "tags.jsonl:1: field \"tags\" lists more than 1000 tags" "training names the line"
awk 'BEGIN { s = sprintf("%4000s", ""); gsub(/ /, "x", s);
	printf "{\"id\": \"long\", \"text\": \"KPK menahan tersangka korupsi\", \"tags\": [";
	for (i = 0; i < 1000; i++) printf "%s\"%s%d\"", (i ? ", " : ""), s, i % 500; print "]}" }' > "$tmp/longtags.jsonl"
expect 0 "1000 long tags (half repeats) are read quickly" -- timeout 10 "$classify" -m "$model" "$tmp/longtags.jsonl"
printf '%s\n' '{"text": "KPK menahan tersangka korupsi", "tags": ["KPK", "hukum", "KPK", "korupsi", "hukum"]}' \
	'{"text": "banjir di Jakarta", "tags": ["bencana", "Jakarta", "bencana"]}' > "$tmp/dup.jsonl"
expect 0 "repeated tags count once in --eval" -- "$classify" -m "$model" --eval "$tmp/dup.jsonl" --json
# nested <article>s: the largest is found in one pass, not one per level
awk 'BEGIN { printf "<html><body>"; for (i = 0; i < 250; i++) printf "<article><p>kata %d</p>", i;
	for (i = 0; i < 200000; i++) printf "korupsi KPK "; for (i = 0; i < 250; i++) printf "</article>"; print "</body></html>" }' > "$tmp/nested.html"
expect 0 "250 nested <article>s around 2 MB of text: tagged quickly" -- timeout 10 "$classify" -m "$model" --html "$tmp/nested.html"

# --- 7. a FIFO as the model is refused, not waited on
rm -f "$tmp/fifo" && mkfifo "$tmp/fifo"
expect 3 "-m FIFO is refused at once" -- timeout 10 "$classify" -m "$tmp/fifo" data/sample-article.txt
contains "$tmp/err" "not a regular file" "-m FIFO: the reason is given"

# --- 5. no text lost in silence: a NUL (raw or \u0000) separates words
printf '%s\n' '{"id": "a", "text": "\u0000korupsi KPK"}' '{"id": "b", "title": "x", "text": "a\u0000b KPK menahan tersangka korupsi"}' \
	'{"id": "c\u0000d", "text": "KPK"}' '{"id": "e", "text": "KPK", "tags": ["KPK\u0000"]}' \
	'{"id": "f", "title": "KPK\\u0000", "text": "korupsi"}' > "$tmp/nul.jsonl"
printf '{"id": "g", "text": "suap\000 korupsi KPK"}\n' >> "$tmp/nul.jsonl"
expect 1 "NULs in JSONL" -- "$classify" -m "$model" "$tmp/nul.jsonl"
lines "$tmp/out" 6 "NULs in JSONL: one record out per record in"
tagged "$tmp/out" '{"id": "a", "tags": [' KPK "\\u0000 before the text: tagged from the rest"
tagged "$tmp/out" '{"id": "b", "tags": [' KPK "\\u0000 inside the text: the text after it is kept"
contains "$tmp/out" '{"line": 3, "error": "field \"id\" holds a NUL character' "an id with \\u0000 is refused, not cut"
contains "$tmp/out" '{"line": 4, "error": "field \"tags\" holds a NUL character' "a tag with \\u0000 is refused, not cut"
contains "$tmp/out" '{"id": "f", "tags": [' "an escaped backslash before u0000 is no NUL"
tagged "$tmp/out" '{"id": "g", "tags": [' KPK "a raw NUL byte inside the text: the text after it is kept"
# training reads the same way: a text led by \u0000 is a record, not "neither title nor text"
{ printf '%s\n' '{"text": "\u0000KPK menahan tersangka korupsi suap", "tags": ["KPK"]}'; cat data/sample.jsonl; } > "$tmp/nul-train.jsonl"
expect 0 "training on a text led by \\u0000" -- "$train" -q -o "$tmp/nul.tgm" "$tmp/nul-train.jsonl"
lacks "$tmp/err" "nul-train.jsonl:1:" "training: the record with \\u0000 is read"
printf 'a\tJudul\t\000korupsi KPK\nb\000c\tx\ty\n' > "$tmp/nul.tsv"
expect 1 "NULs in TSV" -- "$classify" -m "$model" --tsv "$tmp/nul.tsv"
tagged "$tmp/out" '{"id": "a", "tags": [' KPK "TSV: text after a NUL is kept"
contains "$tmp/out" '{"line": 2, "error": "the id holds a NUL byte"}' "TSV: an id with a NUL is refused"
printf '__label__x \000korupsi KPK\n' > "$tmp/nul.ft"
expect 0 "NULs in fastText lines" -- "$classify" -m "$model" --fasttext "$tmp/nul.ft"
contains "$tmp/out" '"tag": "KPK"' "fastText: text after a NUL is kept"
printf 'Judul\n\000korupsi KPK menahan tersangka\n' > "$tmp/nul.txt"
expect 0 "a NUL in a plain-text article" -- "$classify" -m "$model" "$tmp/nul.txt"
contains "$tmp/out" "KPK" "plain text: the text after a NUL is kept"
printf '<html><body><article><p>\000KPK menahan tersangka korupsi</p></article></body></html>' > "$tmp/nul.html"
expect 0 "a NUL in an HTML page" -- "$classify" -m "$model" --show-text "$tmp/nul.html"
contains "$tmp/out" "KPK menahan" "HTML: the text after a NUL is kept"
mkdir "$tmp/nuldir" && cp "$tmp/nul.txt" "$tmp/nuldir/a.txt"
expect 0 "a NUL in a file under --dir" -- "$classify" -m "$model" --dir "$tmp/nuldir"
contains "$tmp/out" '"tag": "KPK"' "--dir: the text after a NUL is kept"
printf '<?xml version="1.0"?><rss version="2.0"><channel><item><title>KPK\000</title></item></channel></rss>' > "$tmp/nul.rss"
expect 1 "a NUL in a feed is an error, not a cut" -- "$classify" -m "$model" "$tmp/nul.rss"
contains "$tmp/err" "malformed XML" "feed with a NUL: libxml2's reason is given"

# UTF-16 and UTF-32 articles: by byte order mark, or by their NULs
article='KPK Tahan Tersangka Korupsi
Komisi Pemberantasan Korupsi menahan tersangka kasus suap proyek jalan.'
for enc in UTF-16 UTF-16LE UTF-16BE UTF-32 UTF-32LE; do
	printf '%s\n' "$article" | iconv -f UTF-8 -t $enc > "$tmp/wide.txt"
	expect 0 "a $enc article" -- "$classify" -m "$model" --json "$tmp/wide.txt"
	contains "$tmp/out" '"tag": "KPK"' "a $enc article is tagged"
	lacks "$tmp/err" "invalid UTF-8" "a $enc article is not taken for bad UTF-8"
done
mkdir -p "$tmp/widedir" && printf '%s\n' "$article" | iconv -f UTF-8 -t UTF-16 > "$tmp/widedir/wide.txt"
expect 0 "a UTF-16 article under --dir" -- "$classify" -m "$model" --dir "$tmp/widedir"
tagged "$tmp/out" '{"id": "wide.txt", "tags": [' KPK "--dir: a UTF-16 article is tagged"
printf '%s\n' '{"id": "w", "text": "KPK menahan tersangka korupsi"}' | iconv -f UTF-8 -t UTF-16 > "$tmp/wide.jsonl"
expect 0 "UTF-16 JSONL" -- "$classify" -m "$model" "$tmp/wide.jsonl"
tagged "$tmp/out" '{"id": "w", "tags": [' KPK "UTF-16 JSONL is tagged"
{ printf '\377\376'; printf 'KPK\n' | iconv -f UTF-8 -t UTF-16LE; printf '\000\334'; } > "$tmp/badwide.txt"
expect 1 "invalid UTF-16 is refused" -- "$classify" -m "$model" "$tmp/badwide.txt"
contains "$tmp/err" "UTF-16LE: invalid character" "invalid UTF-16: the reason is given"

# HTML deeper than libxml2 reads (256 elements) is reported, not cut
awk 'BEGIN { printf "<html><body><article><p>awal berita</p>"; for (i = 0; i < 300; i++) printf "<div>";
	printf "<p>KPK menahan tersangka</p>"; for (i = 0; i < 300; i++) printf "</div>"; print "<p>akhir</p></article></body></html>" }' > "$tmp/deep.html"
expect 1 "HTML nested 300 deep: an error, not a silent cut" -- "$classify" -m "$model" "$tmp/deep.html"
contains "$tmp/err" "nested more than 256 elements deep" "deep HTML: the reason is given"
# a page wrapped in <form> (ASP.NET WebForms) keeps its article; a form stays out
printf '%s' '<html><body><form id="form1" action="x.aspx"><nav>Beranda Berita</nav><article><h1>KPK Tahan Tersangka</h1>' \
	'<p>Komisi Pemberantasan Korupsi menahan tersangka kasus suap proyek jalan di Jawa Timur pada Senin malam.</p></article>' \
	'</form><form><p>Cari berita</p><input name="q"></form></body></html>' > "$tmp/form.html"
expect 0 "a page inside <form>" -- "$classify" -m "$model" --show-text "$tmp/form.html"
contains "$tmp/out" "Komisi Pemberantasan Korupsi" "a page inside <form>: its article is read"
lacks "$tmp/out" "Cari berita" "a search form is still left out"
lacks "$tmp/out" "Beranda" "navigation inside the page's form is still left out"

# --- 6. feeds are told by their root's local name, past the prolog
cat > "$tmp/rss091.xml" <<'EOT'
<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Berita</title><link>http://x</link><description>d</description>
<item><title>KPK Tahan Tersangka Korupsi</title><link>http://x/1</link><description>Komisi Pemberantasan Korupsi menahan tersangka suap.</description></item>
</channel></rss>
EOT
cat > "$tmp/prefixed.xml" <<'EOT'
<?xml version="1.0" encoding="utf-8"?>
<!-- generated by a CMS -->
<?xml-stylesheet type="text/xsl" href="feed.xsl"?>
<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>Berita</a:title><a:id>urn:x</a:id><a:updated>2024-01-01T00:00:00Z</a:updated>
<a:entry><a:title>KPK Tahan Tersangka Korupsi</a:title><a:id>urn:x:1</a:id><a:updated>2024-01-01T00:00:00Z</a:updated><a:summary>Komisi Pemberantasan Korupsi menahan tersangka suap.</a:summary></a:entry>
</a:feed>
EOT
cat > "$tmp/subset.xml" <<'EOT'
<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY kpk "Komisi Pemberantasan Korupsi"> ]>
<rss version="2.0"><channel><title>B</title><item><guid>g1</guid><title>KPK Tahan Tersangka</title><description>&kpk; menahan tersangka suap.</description></item></channel></rss>
EOT
for f in rss091 prefixed subset; do
	expect 0 "$f: read as a feed" -- "$classify" -m "$model" "$tmp/$f.xml"
	tagged "$tmp/out" '"tags": [' KPK "$f: its item is tagged"
	expect 0 "$f: --emit=feed" -- "$classify" -m "$model" --emit=feed "$tmp/$f.xml"
	contains "$tmp/out" 'KPK' "$f: --emit=feed writes the feed back"
done
sed 's/encoding="utf-8"/encoding="UTF-16"/' "$tmp/prefixed.xml" | iconv -f UTF-8 -t UTF-16 > "$tmp/wide-feed.xml"
expect 0 "a UTF-16 feed" -- "$classify" -m "$model" "$tmp/wide-feed.xml"
tagged "$tmp/out" '{"id": "urn:x:1", "date": "2024-01-01T00:00:00Z", "tags": [' KPK "a UTF-16 feed is read by libxml2"
expect 0 "a UTF-16 feed with --feed" -- "$classify" -m "$model" --feed "$tmp/wide-feed.xml"
lacks "$tmp/err" "invalid UTF-8" "a UTF-16 feed is not 'repaired' as UTF-8"
sed 's/encoding="utf-8"//' "$tmp/prefixed.xml" | iconv -f UTF-8 -t UTF-16LE > "$tmp/wide-feed-nobom.xml"
expect 0 "a UTF-16 feed without a byte order mark" -- "$classify" -m "$model" "$tmp/wide-feed-nobom.xml"
tagged "$tmp/out" '"tags": [' KPK "a UTF-16 feed without a BOM is tagged"

# a feed longer than the first read (64 KiB), piped and from a file: every item
awk 'BEGIN { printf "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>x</title>\n";
	for (i = 0; i < 400; i++) printf "<item><guid>g%d</guid><title>KPK tahan tersangka %d</title><description>Komisi Pemberantasan Korupsi menahan tersangka kasus suap proyek jalan di Jawa Timur.</description></item>\n", i, i;
	print "</channel></rss>" }' > "$tmp/long.rss"
expect 0 "a 90 KB feed from a file" -- "$classify" -m "$model" "$tmp/long.rss"
lines "$tmp/out" 400 "a 90 KB feed from a file: every item"
expect 0 "a 90 KB feed from a pipe" -- sh -c "cat '$tmp/long.rss' | '$classify' -m '$model'"
lines "$tmp/out" 400 "a 90 KB feed from a pipe: every item"

# a feed is tagged an item at a time: items before a malformed part keep
# their records, and memory does not grow with the feed (a 53 MB feed of
# short items took 1.0 GB when the whole tree was kept)
{ head -c 2500 "$tmp/long.rss"; printf '<item><title>rusak</description></item></channel></rss>\n'; } > "$tmp/broken.rss"
expect 1 "a feed malformed after some items" -- "$classify" -m "$model" "$tmp/broken.rss"
[ "$(grep -c '"tags": ' "$tmp/out")" -ge 5 ] && ok || ko "the items before a malformed part are tagged"
contains "$tmp/out" '{"id": "'"$tmp/broken.rss"'", "error": ' "a malformed part still gives the feed's error record"
if [ "$(head -c 2 "$classify")" = "#!" ] || ! (ulimit -v 150000 && "$classify" -m "$model" data/sample-article.txt) > /dev/null 2>&1; then
	echo "reliability-read: skipped the feed memory test: this build does not start under ulimit -v 150000"
else
	awk 'BEGIN { printf "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>x</title>\n";
		for (i = 0; i < 150000; i++) printf "<item><guid>g%d</guid><title>KPK tahan tersangka</title><description>korupsi suap %d</description></item>\n", i, i;
		print "</channel></rss>" }' > "$tmp/huge.rss"
	(ulimit -v 150000 && "$classify" -m "$model" "$tmp/huge.rss" > "$tmp/huge.out" 2> "$tmp/huge.err")
	rc=$?
	[ $rc -eq 0 ] && ok || ko "a $(($(wc -c < "$tmp/huge.rss") / 1000000)) MB feed of 150,000 items under a 150 MB address-space limit: exit $rc"
	lines "$tmp/huge.out" 150000 "a feed of 150,000 items: every item"
	rm -f "$tmp/huge.rss" "$tmp/huge.out"
fi

# --- 10. --show-text shows each feed item's text
expect 0 "--show-text on a feed" -- "$classify" -m "$model" --show-text "$tmp/prefixed.xml"
contains "$tmp/out" "Komisi Pemberantasan Korupsi menahan" "--show-text on a feed: the item's text"
lacks "$tmp/out" '"tags"' "--show-text on a feed: no tags"

# --- 10. integer ids are kept as written (no rounding past 2^53)
printf '%s\n' '{"id": 9007199254740993, "text": "KPK korupsi"}' '{"id": -123456789012345678901234567890, "text": "KPK"}' \
	'{"x": {"id": 5, "a": [1, {"b": "}"}]}, "title": "", "id": 42, "text": "KPK"}' '{"id": 1e3, "text": "KPK"}' \
	'{"id": 1.5, "text": "KPK"}' > "$tmp/ids.jsonl"
expect 1 "integer ids" -- "$classify" -m "$model" "$tmp/ids.jsonl"
contains "$tmp/out" '{"id": 9007199254740993, ' "an id above 2^53 is not rounded"
contains "$tmp/out" '{"id": -123456789012345678901234567890, ' "a 30-digit id is kept"
contains "$tmp/out" '{"id": 42, ' "the top-level id, not a nested one"
contains "$tmp/out" '{"id": 1000, ' "1e3 is the integer 1000"
contains "$tmp/out" '{"line": 5, "error": "field \"id\" must be a string or an integer"}' "1.5 is refused"

# --- 10. a libxml2 that cannot be opened is an I/O error (3), not a record's (1)
mkdir "$tmp/fakexml"
echo 'int tagar_not_libxml2;' > "$tmp/fakexml/e.c"
if cc -shared -fPIC -o "$tmp/fakexml/libxml2.so.2" "$tmp/fakexml/e.c" 2>/dev/null; then
	expect 3 "feed without a usable libxml2: status 3" -- env LD_LIBRARY_PATH="$tmp/fakexml" "$classify" -m "$model" "$tmp/prefixed.xml"
	contains "$tmp/err" "cannot open libxml2.so.2" "no libxml2: the library is named"
	expect 3 "HTML without a usable libxml2: status 3" -- env LD_LIBRARY_PATH="$tmp/fakexml" "$classify" -m "$model" "$tmp/form.html"
	mkdir "$tmp/htmldir" && cp "$tmp/form.html" "$tmp/htmldir/page.html"
	expect 3 "--dir HTML without a usable libxml2: status 3" -- env LD_LIBRARY_PATH="$tmp/fakexml" "$classify" -m "$model" --dir "$tmp/htmldir"
else
	echo "SKIP libxml2-missing checks: cannot build a stand-in library with cc"
fi

# --- 7. records from a pipe are written as soon as they are tagged, not
# held until 64 KiB more arrive: 3 records, then a pause with the pipe open
for j in 1 2; do
	rm -f "$tmp/fifo" && mkfifo "$tmp/fifo"
	: > "$tmp/live.out"
	"$classify" -m "$model" -j $j < "$tmp/fifo" > "$tmp/live.out" &
	pid=$!
	exec 3> "$tmp/fifo"
	head -n 3 data/sample-eval.jsonl >&3
	wait_lines "$tmp/live.out" 3
	[ "$(wc -l < "$tmp/live.out")" -eq 3 ] && ok || ko "-j $j: 3 records piped then a pause: $(wc -l < "$tmp/live.out") written, want 3"
	# a line caught half-written: the whole line before it still comes out
	{ sed -n 4p data/sample-eval.jsonl; sed -n 5p data/sample-eval.jsonl | head -c 100; } >&3
	wait_lines "$tmp/live.out" 4
	[ "$(wc -l < "$tmp/live.out")" -eq 4 ] && ok || ko "-j $j: a half-written line holds back only itself"
	sed -n 5p data/sample-eval.jsonl | tail -c +101 >&3
	wait_lines "$tmp/live.out" 5
	[ "$(wc -l < "$tmp/live.out")" -eq 5 ] && ok || ko "-j $j: the half-written line is tagged once complete"
	sed -n '6,$p' data/sample-eval.jsonl >&3
	exec 3>&-
	wait $pid
	"$classify" -m "$model" -j $j < data/sample-eval.jsonl > "$tmp/file.out"
	cmp -s "$tmp/live.out" "$tmp/file.out" && ok || ko "-j $j: a paused stream gives the bytes a file gives"
done
# the same over TSV
rm -f "$tmp/fifo" && mkfifo "$tmp/fifo"
: > "$tmp/live.out"
"$classify" -m "$model" --tsv < "$tmp/fifo" > "$tmp/live.out" &
pid=$!
exec 3> "$tmp/fifo"
printf 'a\tKPK tahan tersangka\tkorupsi suap\nb\tBanjir\tbanjir Jakarta\n' >&3
wait_lines "$tmp/live.out" 2
[ "$(wc -l < "$tmp/live.out")" -eq 2 ] && ok || ko "TSV: 2 records piped then a pause are written"
exec 3>&-
wait $pid

# --- 7. a FIFO under --dir is refused (error record), not waited on;
# every whole file has the same limit as a FILE: 4 times --max-bytes
mkdir "$tmp/dir"
cp data/sample-article.txt "$tmp/dir/a.txt"
mkfifo "$tmp/dir/b.txt"
head -c 10000 /dev/zero | tr '\0' 'a' > "$tmp/dir/c.txt"
head -c 20000 /dev/zero | tr '\0' 'a' > "$tmp/dir/d.txt"
expect 1 "--dir with a FIFO: done at once" -- timeout 10 "$classify" -m "$model" --max-bytes 4096 --dir "$tmp/dir"
lines "$tmp/out" 4 "--dir: one record per file"
contains "$tmp/out" '{"id": "b.txt", "error": "not a regular file"}' "--dir: the FIFO gets an error record"
lacks "$tmp/out" '"id": "c.txt", "error"' "--dir: a file of 2.5x --max-bytes is read, as a FILE would be"
contains "$tmp/out" '"id": "d.txt", "error": "file of 20000 bytes is over the limit of 16384' "--dir: over 4x --max-bytes is refused"
expect 0 "a FILE of 2.5x --max-bytes is read" -- "$classify" -m "$model" --max-bytes 4096 "$tmp/dir/c.txt"

# --- 10. --dir: a file name that is not UTF-8 gives a valid JSON id
mkdir "$tmp/names"
cp data/sample-article.txt "$tmp/names/$(printf 'berita-\377.txt')"
expect 0 "--dir with a non-UTF-8 file name" -- "$classify" -m "$model" --dir "$tmp/names"
contains "$tmp/out" "$(printf '"id": "berita-\357\277\275.txt"')" "--dir: invalid bytes of a name become U+FFFD"
contains "$tmp/err" "not UTF-8" "--dir: the repaired name is reported"

finish
