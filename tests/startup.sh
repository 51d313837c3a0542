#!/bin/sh
# What a one-article start-up must not do (issue 13: one-article time):
# load libraries only some inputs need, or ask the CPU its features with
# CPUID (GCC's probe behind target_clones: 12 us an instruction in a
# virtual machine).  And what still works when they are loaded late:
# stemmed models.
# Usage: tests/startup.sh BINDIR   (from the top of the source tree)
suite=startup
. tests/lib.sh

# --- libraries: none that a plain-text article with the default model
# does not use (libxml2: feeds, pages; libsvm: kernel models; libstemmer:
# stemmed models; raptor2: SKOS, training only)
ldd "$classify" > "$tmp/ldd" 2>&1 || ko "ldd tagar-classify"
for lib in libstemmer libxml2 libsvm libraptor2 libicu; do  # (not libstdc++: sanitizer runtimes bring it)
	lacks "$tmp/ldd" "$lib" "tagar-classify loads $lib at start-up"
done
ldd "$train" > "$tmp/ldd" 2>&1 || ko "ldd tagar-train"
lacks "$tmp/ldd" libstemmer "tagar-train loads libstemmer at start-up"

# --- no CPUID probe: GCC's runs from a constructor whenever anything
# uses target_clones or __builtin_cpu_supports (lib/cpu.c instead reads
# what the C library found)
for p in "$classify" "$train"; do
	if nm "$p" 2>/dev/null | grep -q __cpu_indicator_init; then ko "$p links GCC's CPU probe"; else ok; fi
done

# --- stemming, with libstemmer opened when a tokenizer first stems
for stem in indonesian english; do
	expect 0 "train --stem $stem" -- "$train" -q -j 1 --stem $stem -o "$tmp/$stem.tgm" data/sample.jsonl
	expect 0 "tag with a --stem $stem model" -- "$classify" -m "$tmp/$stem.tgm" -j 2 --json data/sample-eval.jsonl
	lines "$tmp/out" "$(wc -l < data/sample-eval.jsonl)" "--stem $stem: one record per article"
	contains "$tmp/out" '"tag": "KPK"' "--stem $stem: articles are tagged"
done
# stemming is on: the stemmed model's terms are stems
expect 0 "--info of a stemmed model" -- "$classify" -m "$tmp/indonesian.tgm" --info
contains "$tmp/out" "stem: indonesian" "the model says it stems"
printf 'Pemberantasan korupsi\nKPK memberantas korupsi dan menahan tersangka pemberantasan suap.\n' > "$tmp/a.txt"
expect 0 "explain with a stemmed model" -- "$classify" -m "$tmp/indonesian.tgm" --json --explain=20 -a "$tmp/a.txt"
contains "$tmp/out" '"term": "antas"' "pemberantasan and memberantas are counted as their stem (antas)"

# --- title choice: the clutter lines before a headline, one pattern since
# the three were joined (compiled once); each kind still cut, a headline
# that starts with a number or a date still kept
i=0
for clutter in "Iklan" "  SCROLL TO CONTINUE WITH CONTENT " "Senin, 12 Februari 2024 10:15 WIB" "12 Feb. 2024" \
	"Monday 12/02/2024" "12-02-2024 | pukul 10.15 WITA" "Bagikan" "Salin tautan" "	Tweet"; do
	i=$((i + 1))
	printf '%s\nKPK menahan bupati\nKomisi Pemberantasan Korupsi menahan seorang bupati.\n' "$clutter" > "$tmp/c$i.txt"
	expect 0 "clutter '$clutter' first" -- "$classify" -m models/default.tgm --show-text "$tmp/c$i.txt"
	[ "$(head -n 1 "$tmp/out")" = "KPK menahan bupati" ] && ok || ko "'$clutter' is clutter: title '$(head -n 1 "$tmp/out")'"
done
for title in "41 Daerah Belum Usulkan Formasi" "12 Desember 2024, Hari Ibu dirayakan" "Share of voice: KPK" "Iklan rokok dilarang"; do
	printf '%s\nKomisi Pemberantasan Korupsi menahan seorang bupati.\n' "$title" > "$tmp/t.txt"
	expect 0 "headline '$title'" -- "$classify" -m models/default.tgm --show-text "$tmp/t.txt"
	[ "$(head -n 1 "$tmp/out")" = "$title" ] && ok || ko "'$title' is kept as the title: '$(head -n 1 "$tmp/out")'"
done

finish
