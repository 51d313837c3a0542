/* loading.c - unit tests of what a start-up runs once (issue 13's speed
 * work): the model checksum (XXH3 built for AVX2 against libxxhash's),
 * the finite-number check of a model's arrays, and the boilerplate
 * patterns compiled once.  Run from the top of the source tree (it reads
 * models/default.tgm).  The last line is "loading: N passed, N failed". */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "check.h"

uint64_t tagar_xxh3_avx2(const void *p, size_t n);  /* lib/xxh3avx2.c */

/* Every length up to 1100 bytes (XXH3's short, middle and long paths and
 * the stripe and block edges), then 1 MB, at an odd address. */
static void test_checksum(tally *t)
{
	size_t big = 1 << 20;
	unsigned char *b = malloc(big + 1);
	CHECK(t, b != NULL, "memory");
	if (!b)
		return;
	for (size_t i = 0; i <= big; i++)
		b[i] = (unsigned char)(i * 2654435761u >> 13);
	int bad = 0, bad_avx2 = 0;
	for (size_t n = 0; n <= 1100; n++) {
		bad += tagar_checksum(b + 1, n) != XXH3_64bits(b + 1, n);
		if (tagar_cpu_avx2())
			bad_avx2 += tagar_xxh3_avx2(b + 1, n) != XXH3_64bits(b + 1, n);
	}
	CHECK(t, bad == 0, "checksum = XXH3_64bits for lengths 0..1100: %d differ", bad);
	CHECK(t, bad_avx2 == 0, "the AVX2 build = XXH3_64bits for lengths 0..1100: %d differ", bad_avx2);
	CHECK(t, tagar_checksum(b + 1, big) == XXH3_64bits(b + 1, big), "checksum of 1 MB");
	if (!tagar_cpu_avx2())
		printf("loading: this CPU has no AVX2: the AVX2 build was not run\n");
	free(b);
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	if (f && fseek(f, 0, SEEK_END) == 0) {
		long len = ftell(f);
		rewind(f);
		b = len > 0 ? malloc((size_t)len) : NULL;
		if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
			free(b);
			b = NULL;
		}
		*n = b ? (size_t)len : 0;
	}
	if (f)
		fclose(f);
	return b;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Section id's offset and count in a model image (0 and 0 when absent). */
static size_t section(const unsigned char *b, size_t n, uint32_t id, size_t *count)
{
	uint32_t nsec = get32(b + 28);
	for (uint32_t i = 0; i < nsec && 64 + (i + 1) * 24 <= n; i++) {
		const unsigned char *e = b + 64 + i * 24;
		if (get32(e) == id) {
			*count = get32(e + 16);
			return get32(e + 8);
		}
	}
	*count = 0;
	return 0;
}

static void reseal(unsigned char *b, size_t n)
{
	uint64_t h = XXH3_64bits(b + 64, n - 64);
	for (int i = 0; i < 8; i++)
		b[32 + i] = (unsigned char)(h >> (8 * i));
}

/* A value that is not a number anywhere in the idf or weight-scale array
 * (first, inside and at the end of a block of the vectorised test, last)
 * is refused and named; the default model itself loads. */
static void test_nonfinite(tally *t)
{
	enum { SEC_IDF = 7, SEC_QSCALE = 18 };
	static const struct {
		uint32_t id;
		const char *what;
	} arr[] = {{SEC_IDF, "a term's idf"}, {SEC_QSCALE, "a weight scale"}};
	size_t n;
	unsigned char *b = slurp("models/default.tgm", &n);
	CHECK(t, b != NULL, "models/default.tgm read");
	if (!b)
		return;
	tagar_err e = {0, ""};
	tagar_model *m = tagar_model_from_bytes(b, n, &e);
	CHECK(t, m != NULL, "the default model loads: %s", e.msg);
	tagar_model_free(&m);
	const float bad[] = {NAN, INFINITY, -INFINITY};
	for (size_t a = 0; a < sizeof arr / sizeof *arr; a++) {
		size_t count, off = section(b, n, arr[a].id, &count);
		CHECK(t, off && count > 200, "section %u found", arr[a].id);
		if (!off || count <= 200)
			continue;
		size_t at[] = {0, 1, 31, 63, 64, 65, count / 2, count - 2, count - 1};
		for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
			float keep, v = bad[i % 3];
			memcpy(&keep, b + off + 4 * at[i], 4);
			memcpy(b + off + 4 * at[i], &v, 4);
			reseal(b, n);
			m = tagar_model_from_bytes(b, n, &e);
			CHECK(t, !m && strstr(e.msg, arr[a].what) && strstr(e.msg, "not a finite number"),
			      "%s %g at %zu of %zu refused: %s", arr[a].what, (double)v, at[i], count,
			      m ? "(loaded)" : e.msg);
			tagar_model_free(&m);
			memcpy(b + off + 4 * at[i], &keep, 4);
		}
	}
	/* the largest finite float and a subnormal are numbers */
	size_t count, off = section(b, n, SEC_IDF, &count);
	float big = 3.4028235e38f, tiny = 1e-45f;
	memcpy(b + off, &big, 4);
	memcpy(b + off + 4, &tiny, 4);
	reseal(b, n);
	m = tagar_model_from_bytes(b, n, &e);
	CHECK(t, m != NULL, "the largest float and a subnormal are finite: %s", m ? "" : e.msg);
	tagar_model_free(&m);
	free(b);
}

static const char *clean(tagar_cleaner *c, const char *s, char *out, size_t cap)
{
	size_t n;
	const char *r = tagar_clean(c, s, strlen(s), &n);
	snprintf(out, cap, "%.*s", r ? (int)n : 0, r ? r : "");
	return out;
}

/* A pattern not anchored with ^ is compiled once, as written: its errors
 * still name the line, its inline options reach as far as before, and a
 * line pattern is still checked alone before the alternation. */
static void test_patterns(tally *t)
{
	tagar_err e = {0, ""};
	char out[256];
	const char *p = "# comment\n^[ \\t]*Baca juga\\b.*$\n(?-i)\\([a-z]{2,5}/[a-z]{2,5}\\)[ \\t]*$\n\\bIklan\\b\n";
	tagar_cleaner *c = tagar_cleaner_new(p, strlen(p), &e);
	CHECK(t, c && tagar_cleaner_count(c) == 3, "three patterns: %s", e.msg);
	if (c) {
		CHECK(t, strcmp(clean(c, "Berita (ant/abc)", out, sizeof out), "Berita  ") == 0,
		      "(?-i): lower-case credit cut: [%s]", out);
		CHECK(t, strcmp(clean(c, "Berita (ANT/ABC)", out, sizeof out), "Berita (ANT/ABC)") == 0,
		      "(?-i): upper case kept (case matters for the whole pattern): [%s]", out);
		CHECK(t, strcmp(clean(c, "satu IKLAN dua\nbaca JUGA: x\nakhir", out, sizeof out), "satu   dua\n \nakhir") == 0,
		      "caseless elsewhere: [%s]", out);
	}
	tagar_cleaner_free(&c);
	p = "\\bBaca\n\n\\bKlik (di|sini\n";
	c = tagar_cleaner_new(p, strlen(p), &e);
	CHECK(t, !c && strstr(e.msg, "line 3, column"), "a bad unanchored pattern names its line: %s", e.msg);
	tagar_cleaner_free(&c);
	p = "^Baca\n^x)|(?:y\n";
	c = tagar_cleaner_new(p, strlen(p), &e);
	CHECK(t, !c && strstr(e.msg, "line 2, column"), "a line pattern that only compiles inside the alternation is refused: %s",
	      e.msg);
	tagar_cleaner_free(&c);
	p = "\\bx)|(?:y\n";
	c = tagar_cleaner_new(p, strlen(p), &e);
	CHECK(t, !c && strstr(e.msg, "line 1, column"), "so is such a pattern of its own: %s", e.msg);
	tagar_cleaner_free(&c);
}

int main(void)
{
	tally t = {0, 0};
	test_checksum(&t);
	test_nonfinite(&t);
	test_patterns(&t);
	printf("loading: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed != 0;
}
