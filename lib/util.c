/* util.c - errors, locale-independent numbers, line reading, hashing. */
#include "internal.h"

#define XXH_INLINE_ALL  /* the hash runs once per token: let it inline */
#include <xxhash.h>

#include <dlfcn.h>
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *tagar_errmsg(int code)
{
	switch (code) {
	case TAGAR_OK: return "success";
	case TAGAR_ENOMEM: return "out of memory";
	case TAGAR_EIO: return "input/output error";
	case TAGAR_EFORMAT: return "malformed input";
	case TAGAR_EMODEL: return "invalid model file";
	case TAGAR_EDATA: return "unusable training data";
	case TAGAR_ESOLVER: return "SVM solver error";
	default: return "unknown error";
	}
}

int tagar_fail(tagar_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

/* snprintf follows LC_NUMERIC; a program embedding the library may have set
 * a locale whose decimal point is ',', so the separator is put back to '.'. */
static void fix_decimal_point(char *buf)
{
	const char *dp = localeconv()->decimal_point;
	if (!dp || (dp[0] == '.' && dp[1] == 0))
		return;
	size_t dl = strlen(dp);
	char *p = strstr(buf, dp);
	if (p) {
		*p = '.';
		memmove(p + 1, p + dl, strlen(p + dl) + 1);
	}
}

void tagar_fmt_double(char *buf, size_t n, double v, int digits)
{
	snprintf(buf, n, "%.*g", digits, v);
	fix_decimal_point(buf);
}

void tagar_fmt_fixed(char *buf, size_t n, double v, int decimals)
{
	snprintf(buf, n, "%.*f", decimals, v);
	fix_decimal_point(buf);
}

int tagar_parse_double(const char *s, double *out)
{
	/* strtod follows LC_NUMERIC too: give it the locale's decimal point */
	char tmp[64];
	const char *dp = localeconv()->decimal_point;
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof tmp - 8)
		return TAGAR_EFORMAT;
	memcpy(tmp, s, n + 1);
	char *dot = strchr(tmp, '.');
	if (dot && dp && strcmp(dp, ".") != 0) {
		size_t dl = strlen(dp);
		memmove(dot + dl, dot + 1, strlen(dot + 1) + 1);
		memcpy(dot, dp, dl);
	}
	char *end;
	errno = 0;
	double v = strtod(tmp, &end);
	if (errno || *end || end == tmp || v != v)
		return TAGAR_EFORMAT;
	*out = v;
	return 0;
}

long tagar_getline(char **buf, size_t *cap, FILE *f)
{
	ssize_t n = getline(buf, cap, f);
	if (n < 0)
		return -1;
	if (n > 0 && (*buf)[n - 1] == '\n')
		(*buf)[--n] = 0;
	if (n > 0 && (*buf)[n - 1] == '\r')
		(*buf)[--n] = 0;
	return (long)n;
}

int tagar_bind_symbol(void *so, const char *name, void *dst)
{
	void *p = dlsym(so, name);
	if (p)
		memcpy(dst, &p, sizeof p);
	return p != NULL;
}

uint64_t tagar_hash(const char *s, size_t n)
{
	return XXH3_64bits(s, n);
}

/* Runs of bytes that need no escape are written in one call: output is
 * mostly such runs, and a locked putc per byte was a visible cost. */
void tagar_json_string(FILE *out, const char *s, size_t n)
{
	static const char short_escape[32] = {['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'};
	size_t run = 0;
	putc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		fwrite(s + run, 1, i - run, out);
		run = i + 1;
		if (c >= 0x20)
			fprintf(out, "\\%c", c);
		else if (short_escape[c])
			fprintf(out, "\\%c", short_escape[c]);
		else
			fprintf(out, "\\u%04x", c);
	}
	fwrite(s + run, 1, n - run, out);
	putc('"', out);
}

char *tagar_memdup0(const void *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}
