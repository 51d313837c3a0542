#!/bin/sh
# Feed, HTML, TSV, fastText, directory and boilerplate tests, on fixtures
# written for this project (tests/fixtures/).
# Usage: tests/feeds.sh BINDIR      (run from the top of the source tree)
suite=feeds
. tests/lib.sh

fx=tests/fixtures
default=models/default.tgm
model=$tmp/sample.tgm
"$train" -q -o "$model" data/sample.jsonl || ko "train the sample model"

# --- boilerplate: every pattern of data/boilerplate.txt (the "#off" ones too)
sed 's/^#off //' data/boilerplate.txt > "$tmp/all.txt"
expect 0 "train with every pattern" -- "$train" -q --boilerplate "$tmp/all.txt" -o "$tmp/all.tgm" data/sample.jsonl
expect 0 "--show-text" -- "$classify" -m "$tmp/all.tgm" --show-text $fx/boilerplate-all.txt
for w in ADVERTISEMENT SCROLL zzbacajuga zzinline zzsimak zzlihat "Halaman 1" Komentar zzlimit zzbijak \
	Bagikan zzeditor zzpewarta zzcopy "(zzz/abc)"; do
	lacks "$tmp/out" "$w" "boilerplate pattern cuts '$w'"
done
contains "$tmp/out" "Petugas BPBD mengevakuasi warga" "the story stays"
contains "$tmp/out" "banjir susulan" "text before a credit stays"
expect 0 "default patterns keep ad markers" -- "$classify" -m "$default" --show-text $fx/boilerplate-all.txt
contains "$tmp/out" "SCROLL TO CONTINUE" "#off patterns are off by default"
lacks "$tmp/out" "zzbacajuga" "Baca juga cut by the default model"
printf 'bad [pattern\n' > "$tmp/bad.txt"
expect 2 "bad pattern" -- "$train" -q --boilerplate "$tmp/bad.txt" -o "$tmp/x.tgm" data/sample.jsonl
contains "$tmp/err" "bad.txt: line 1, column" "bad pattern named by file and line"
expect 0 "--boilerplate none" -- "$train" -q --boilerplate none -o "$tmp/none.tgm" data/sample.jsonl
"$classify" -m "$tmp/none.tgm" --info > "$tmp/info"
contains "$tmp/info" 'boilerplate: none' "--boilerplate none is recorded"

# --- the acceptance case: "Baca juga" links about vaccination and the KPK
# must not tag a civil-service story vaksinasi or KPK (default model)
expect 0 "Baca juga article" -- "$classify" -m "$default" $fx/bacajuga.txt
contains "$tmp/out" "ASN" "the story's own tag"
lacks "$tmp/out" "vaksinasi" "no vaksinasi from Baca juga links"
lacks "$tmp/out" "KPK" "no KPK from Baca juga links"
expect 0 "Baca juga without removal" -- "$classify" -m "$tmp/none.tgm" -a --json $fx/bacajuga.txt

# --- HTML
expect 0 "HTML article (detected)" -- "$classify" -m "$default" --show-text $fx/detik.html
contains "$tmp/out" "Kemendagri Minta Pemda Percepat Pengangkatan ASN" "headline from <h1>"
contains "$tmp/out" "nomor induk pegawai bagi ASN yang lulus seleksi & memastikan" "paragraphs, entities decoded"
for w in zzscript zzstyle zznav zzcomment zzform zzbutton zzaside zzfooter "Baca juga"; do
	lacks "$tmp/out" "$w" "HTML drops '$w'"
done
expect 0 "--html" -- "$classify" -m "$default" --html --json $fx/kompas.html
contains "$tmp/out" '"KPK"' "kompas page tagged KPK"
expect 0 "HTML from standard input" -- sh -c "\"$classify\" -m $default < $fx/detik.html"
contains "$tmp/out" "ASN" "detik page tagged ASN"

# --- RSS and Atom
expect 0 "RSS feed" -- "$classify" -m "$default" $fx/antara.rss
lines "$tmp/out" 3 "one record per item"
contains "$tmp/out" '"id": "antara-1001"' "guid is the id"
contains "$tmp/out" '"link": "https://' "feed records carry the item link"
contains "$tmp/out" '"date": "' "feed records carry the item date"
contains "$tmp/out" '"id": "https://example.antaranews.test/berita/1002/banjir-rendam-rumah"' "link when no guid"
contains "$tmp/out" '"tag": "KPK"' "description HTML is read"
contains "$tmp/out" '"tag": "bencana"' "content:encoded is read"
contains "$tmp/out" '"id": "https://example.antaranews.test/berita/1003"' "an item without description"
expect 0 "RSS --emit feed" -- "$classify" -m "$default" --feed --emit=feed $fx/antara.rss
contains "$tmp/out" '<category domain="tagar">KPK</category>' "category added"
contains "$tmp/out" '<category>Hukum</category>' "existing category kept"
contains "$tmp/out" 'Pewarta: Nama Wartawan</p>]]>' "CDATA kept"
cp "$tmp/out" "$tmp/tagged.rss"
expect 0 "re-tagging a tagged feed" -- "$classify" -m "$default" --emit=feed "$tmp/tagged.rss"
n=$(grep -c '<category domain="tagar">KPK</category>' "$tmp/out")
[ "$n" -eq 1 ] && ok || ko "re-tagging replaces tagar categories ($n KPK)"
expect 0 "Atom feed" -- "$classify" -m "$default" $fx/poskota.atom
lines "$tmp/out" 2 "one record per entry"
contains "$tmp/out" '"id": "tag:poskota.test,2025:2002"' "Atom id"
contains "$tmp/out" '"tag": "pemilu"' "Atom summary read"
expect 0 "Atom --emit feed" -- "$classify" -m "$default" --emit=feed $fx/poskota.atom
contains "$tmp/out" '<category scheme="urn:tagar" term="pemilu"/>' "Atom category"
expect 0 "empty feed" -- "$classify" -m "$default" $fx/empty.rss
lines "$tmp/out" 0 "no items, no records"
contains "$tmp/err" "no items" "empty feed warned about"
expect 1 "malformed feed" -- "$classify" -m "$default" --feed $fx/malformed.rss
contains "$tmp/out" '"error": ' "malformed feed gives an error record"
contains "$tmp/err" "malformed.rss:" "malformed feed named with its line"
cat > "$tmp/xxe.rss" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><guid>x1</guid><title>KPK &xxe;</title><description>KPK menahan bupati</description></item></channel></rss>
XML
"$classify" -m "$default" --feed --emit=feed "$tmp/xxe.rss" > "$tmp/out" 2>&1
lacks "$tmp/out" "root:" "external entities are not loaded"
cat > "$tmp/lol.rss" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>
<rss version="2.0"><channel><item><guid>b1</guid><title>&h;</title></item></channel></rss>
XML
expect 1 "entity expansion is refused" -- timeout 20 "$classify" -m "$default" --feed "$tmp/lol.rss"

# --- TSV, fastText, directory
expect 1 "TSV" -- "$classify" -m "$default" --tsv $fx/articles.tsv
lines "$tmp/out" 3 "one record per TSV line (header skipped)"
contains "$tmp/out" '"id": "t1", "tags": [{"tag": "KPK"' "TSV id and tags (CRLF line)"
contains "$tmp/out" '{"line": 4, "error": "expected id<TAB>title<TAB>text"}' "bad TSV line in its place"
expect 0 "fastText lines (detected)" -- "$classify" -m "$default" $fx/articles.ft
lines "$tmp/out" 2 "one record per fastText line"
contains "$tmp/out" '"tag": "bencana"' "fastText text tagged"
cp -r $fx/dir "$tmp/dir" && cp $fx/kompas.html "$tmp/dir/02-kompas.html"  # an HTML file among them
expect 1 "directory" -- "$classify" -m "$default" --dir "$tmp/dir"
lines "$tmp/out" 3 "one record per .txt/.html file"
head -1 "$tmp/out" > "$tmp/first"
contains "$tmp/first" '"id": "01-banjir.txt"' "files in name order, named by file"
contains "$tmp/out" '"id": "02-kompas.html", "tags": [{"tag": "KPK"' "HTML file in a directory"
contains "$tmp/out" '{"id": "03-kosong.txt", "error": "empty article"}' "empty file in its place"
lacks "$tmp/out" "catatan" "other files ignored"
expect 3 "missing directory" -- "$classify" -m "$default" --dir "$tmp/nope"
expect 2 "--dir with FILE" -- "$classify" -m "$default" --dir "$tmp/dir" x.txt
expect 2 "two formats" -- "$classify" -m "$default" --tsv --feed x

# --- encoding: BOM, CRLF, invalid UTF-8
expect 0 "invalid UTF-8 repaired" -- "$classify" -m "$default" $fx/badutf8.jsonl
lines "$tmp/out" 2 "both records tagged"
contains "$tmp/err" "badutf8.jsonl:1: warning: 1 invalid UTF-8 byte(s) replaced by U+FFFD" "warning names the record"
contains "$tmp/out" '"id": "u1"' "BOM line read"
expect 1 "--strict rejects invalid UTF-8" -- "$classify" -m "$default" --strict --keep-going $fx/badutf8.jsonl
contains "$tmp/out" '{"line": 1, "error": "invalid UTF-8 at byte' "rejected record in its place"
contains "$tmp/out" '"id": "u2"' "the run goes on"
printf '\357\273\277Banjir Bandang di Garut\r\n\r\nBanjir bandang merendam rumah warga, BPBD mengevakuasi korban bencana.\r\n' > "$tmp/crlf.txt"
expect 0 "BOM and CRLF text" -- "$classify" -m "$default" --show-text "$tmp/crlf.txt"
head -1 "$tmp/out" | od -c | grep -q '\\r' && ko "title keeps no CR" || ok

finish
