#!/bin/sh
# Tag vocabularies end to end: tagar-train --vocab, the model's vocabulary
# (--info, --vocab), its hits in --explain, and the project's sample story
# that only the vocabulary gets right.
# Usage: tests/vocab.sh BINDIR
suite=vocab
. tests/lib.sh
model=$tmp/v.tgm
default=models/default.tgm

# the default model: a ministry named in the lead, its topic in the body
expect 0 "sample story tagged" -- "$classify" -m "$default" data/sample-kemendagri.txt
contains "$tmp/out" "Kemendagri" "ministry named in the lead gets its tag"
contains "$tmp/out" "ASN" "CPNS basic training gets ASN"
contains "$tmp/out" "pelayanan-publik" "public-service responsiveness gets pelayanan-publik"
expect 0 "explain shows vocabulary hits" -- "$classify" -m "$default" --explain=2 data/sample-kemendagri.txt
contains "$tmp/out" 'alias "Kementerian Dalam Negeri" in lead x1' "alias, zone and count in --explain"
expect 0 "explain JSON" -- "$classify" -m "$default" --json --explain=1 data/sample-kemendagri.txt
contains "$tmp/out" '"vocabulary": [{"alias": "Kementerian Dalam Negeri", "zone": "lead", "count": 1, "contribution": ' "vocabulary hits in JSON"
expect 0 "info" -- "$classify" -m "$default" --info
contains "$tmp/out" "tag vocabulary: 891 aliases from data/govtags-vocab.txt; weight 0.15" "info summary counts aliases"
grep -q '^Kemendagri .* 22$' "$tmp/out" && ok || ko "info lists aliases per tag"
expect 0 "info JSON" -- "$classify" -m "$default" --info --json
contains "$tmp/out" '"aliases":{"APBN":31,' "info --json has every tag's alias count"
expect 0 "vocab view" -- "$classify" -m "$default" --vocab
contains "$tmp/out" "alias = Kementerian Dalam Negeri" "--vocab lists aliases"

# the view is a vocabulary file: training with it gives the same model
cp "$tmp/out" "$tmp/back.txt"
cat > "$tmp/v.txt" <<'EOT'
# a small vocabulary
[KPK]
label = Komisi Pemberantasan Korupsi
definition = The anti-corruption commission itself.
alias = KPK
alias = Komisi Pemberantasan Korupsi
alias = lembaga antirasuah

[banjir-rob]
alias = rob
EOT
expect 0 "train with a vocabulary" -- "$train" -q -j 1 --vocab "$tmp/v.txt" -o "$model" data/sample.jsonl
contains "$tmp/err" 'v.txt:9: tag "banjir-rob" is in no training record' "unused entry is warned about with FILE:LINE"
expect 0 "vocabulary of the model" -- "$classify" -m "$model" --vocab
contains "$tmp/out" "alias = lembaga antirasuah" "file's aliases stored"
contains "$tmp/out" "alias = pelayanan publik" "tags without an entry get their name, hyphen as space"
# (the file's name is in the model's metadata: both are trained as v.txt)
mkdir "$tmp/again" && cp "$tmp/out" "$tmp/again/v.txt"
abs_train=$(cd "$(dirname "$train")" && pwd)/tagar-train sample=$(pwd)/data/sample.jsonl
(cd "$tmp/again" && "$abs_train" -q -j 2 --vocab v.txt -o v2.tgm "$sample") 2>/dev/null
(cd "$tmp" && "$abs_train" -q -j 1 --vocab v.txt -o v1.tgm "$sample") 2>/dev/null
cp "$tmp/again/v2.tgm" "$tmp/v2.tgm"; model=$tmp/v1.tgm
if cmp -s "$model" "$tmp/v2.tgm"; then ok; else ko "stored vocabulary gives the same model bytes"; fi
# (on 48 articles the vocabulary weight CV picks is a coin toss; without lead
# features it is not 0 here, so the model keeps the vocabulary this checks)
expect 0 "no names" -- "$train" -q --vocab "$tmp/v.txt" --vocab-names no --lead-view 0 -o "$tmp/v3.tgm" data/sample.jsonl
expect 0 "vocabulary of a no-names model" -- "$classify" -m "$tmp/v3.tgm" --vocab
lacks "$tmp/out" "alias = pelayanan publik" "--vocab-names no: only the file's aliases"
expect 0 "no vocabulary" -- "$train" -q --vocab none -o "$tmp/none.tgm" data/sample.jsonl
expect 1 "vocab view without one" -- "$classify" -m "$tmp/none.tgm" --vocab
contains "$tmp/err" "no tag vocabulary" "a model without a vocabulary says so"
expect 0 "default: tag names" -- "$train" -q -o "$tmp/names.tgm" data/sample.jsonl
expect 0 "info of a tag-name model" -- "$classify" -m "$tmp/names.tgm" --info
contains "$tmp/out" "aliases from tag names" "without --vocab the tags' names are the vocabulary"

# a user's own tags whose names make no alias (no word, too many) still train
{
	printf '{"text": "satu dua tiga berita", "tags": ["!!!", "a b c d e f g h i j k l m n o p q"]}\n'
	printf '{"text": "empat lima berita satu", "tags": ["!!!", "a b c d e f g h i j k l m n o p q"]}\n'
	printf '{"text": "enam tujuh dua", "tags": ["x"]}\n{"text": "x delapan tujuh", "tags": ["x"]}\n'
	printf '{"text": "tiga empat", "tags": []}\n'
} > "$tmp/odd.jsonl"
expect 0 "tags named with no word" -- "$train" -q --min-df 1 --max-df 1 -o "$tmp/odd.tgm" "$tmp/odd.jsonl"

# SKOS in Turtle (a .ttl file): notation or the IRI's local name is the tag,
# every label an alias
cat > "$tmp/v.ttl" <<'EOT'
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix gt: <http://example.org/govtags/> .
gt:KPK a skos:Concept ;
    skos:prefLabel "Komisi Pemberantasan Korupsi"@id, "Corruption Eradication Commission"@en ;
    skos:altLabel "KPK"@id, "KPK"@en ;
    skos:hiddenLabel "lembaga antirasuah" ;
    skos:definition "The anti-corruption commission itself."@en .
<http://example.org/c/7> skos:notation "pelayanan-publik" ; skos:altLabel "Ombudsman" .
EOT
expect 0 "train with SKOS" -- "$train" -q --vocab "$tmp/v.ttl" -o "$tmp/skos.tgm" data/sample.jsonl
expect 0 "vocabulary from SKOS" -- "$classify" -m "$tmp/skos.tgm" --vocab
contains "$tmp/out" "label = Komisi Pemberantasan Korupsi" "prefLabel is the label"
contains "$tmp/out" "alias = lembaga antirasuah" "hiddenLabel is an alias"
contains "$tmp/out" "alias = Ombudsman" "notation names the tag"
printf '@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> skos:prefLabel "x" ;\n  skos:altLabel "y"\n  skos:foo .\n' > "$tmp/bad.ttl"
expect 1 "bad Turtle" -- "$train" -q --vocab "$tmp/bad.ttl" -o "$tmp/x.tgm" data/sample.jsonl
contains "$tmp/err" "bad.ttl:4: Turtle: syntax error" "Turtle error names FILE:LINE"
if ldd "$classify" 2>/dev/null | grep -q raptor; then ko "tagar-classify loads raptor2"; else ok; fi

# bad vocabularies are refused with FILE:LINE
printf '[KPK]\nalias = KPK\nalias = KPK\n' > "$tmp/dup.txt"
expect 1 "duplicate alias" -- "$train" -q --vocab "$tmp/dup.txt" -o "$tmp/x.tgm" data/sample.jsonl
contains "$tmp/err" "dup.txt:3: alias \"KPK\" of tag \"KPK\" listed twice (line 2)" "duplicate alias named"
printf 'alias = KPK\n' > "$tmp/orphan.txt"
expect 1 "alias before a tag" -- "$train" -q --vocab "$tmp/orphan.txt" -o "$tmp/x.tgm" data/sample.jsonl
contains "$tmp/err" "orphan.txt:1: \"alias\" before the first [TAG]" "orphan alias named"
printf '[KPK]\nalias = ---\n' > "$tmp/noword.txt"
expect 1 "alias without a word" -- "$train" -q --vocab "$tmp/noword.txt" -o "$tmp/x.tgm" data/sample.jsonl
contains "$tmp/err" "noword.txt:2: alias \"---\" of tag \"KPK\" has no word to match" "wordless alias named"
expect 3 "missing vocabulary file" -- "$train" -q --vocab "$tmp/nope.txt" -o "$tmp/x.tgm" data/sample.jsonl
contains "$tmp/err" "nope.txt" "missing vocabulary file named"
expect 2 "bad zone weights" -- "$train" --vocab-zones 1,2 -o "$tmp/x.tgm" data/sample.jsonl

# the vocabulary's gain on the shared corpus (5-fold CV: 0.824 / 0.805;
# without it 0.803 / 0.768)
shared=${TAGAR_SHARED:-../shared}
if [ -f "$shared/data/govtags/train.jsonl" ]; then
	expect 0 "govtags with the vocabulary" -- "$train" --cv 5 --vocab data/govtags-vocab.txt -o "$tmp/g.tgm" "$shared/data/govtags/train.jsonl"
	got=$(tail -n 1 "$tmp/out")   # micro-F1 X  macro-F1 Y
	if echo "$got" | awk '{exit !($2 >= 0.815 && $4 >= 0.79)}'; then ok; else ko "govtags CV with the vocabulary: $got, floors 0.815 / 0.79"; fi
else
	echo "SKIP govtags vocabulary floor: $shared/data not found"
fi

# models whose features stem, join or drop tokens match aliases on every
# token too (the tokenizer shows them to the classifier)
printf 'Lembaga antirasuah periksa bupati\n\nPenyidik lembaga antirasuah memeriksa bupati dan KPK menahan dua orang.\n' > "$tmp/a.txt"
for opt in "--stem indonesian" "-n 2" "--numbers drop"; do
	expect 0 "train $opt" -- "$train" -q $opt --vocab "$tmp/v.txt" -o "$tmp/o.tgm" data/sample.jsonl
	expect 0 "explain $opt" -- "$classify" -m "$tmp/o.tgm" --explain=1 "$tmp/a.txt"
	contains "$tmp/out" 'alias "lembaga antirasuah" in title x1' "$opt: title hit"
	contains "$tmp/out" 'alias "KPK" in lead x1' "$opt: lead hit"
done
finish
