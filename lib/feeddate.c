/* feeddate.c - the dates feeds carry, as seconds since the epoch: RFC 822
 * by libcurl (curl_getdate reads the HTTP date formats, which are RSS's),
 * ISO 8601 here, as curl does not read the 'T' form Atom uses. */
#include "tagar.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil): timegm without the TZ variable. */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The zone at s: "Z", "+07:00", "+0700", or nothing (UTC); *off seconds
 * east.  0 when s holds something else. */
static int zone(const char *s, long *off)
{
	int h, m;
	*off = 0;
	if (!*s || ((*s == 'Z' || *s == 'z') && !s[1]))
		return 1;
	if ((*s != '+' && *s != '-') || !digits(s + 1, 2, &h))
		return 0;
	const char *mm = s + 3 + (s[3] == ':');
	if (!digits(mm, 2, &m) || mm[2])
		return 0;
	*off = (*s == '-' ? -1 : 1) * (h * 3600L + m * 60L);
	return 1;
}

static long long iso8601(const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
		return -1;
	const char *p = s + 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
			return -1;
		p += 6;
		if (*p == ':' && digits(p + 1, 2, &sec))
			p += 3;
		if (*p == '.' || *p == ',')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	long off;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || !zone(p, &off))
		return -1;
	return days_from_civil(y, mo, d) * 86400 + h * 3600LL + mi * 60LL + sec - off;
}

long long tagar_feed_date(const char *s)
{
	if (!s)
		return -1;
	s += strspn(s, " \t\r\n");
	if (!*s)
		return -1;
	long long t = iso8601(s);
	if (t >= 0 || (strlen(s) > 4 && s[0] >= '0' && s[0] <= '9' && s[4] == '-'))
		return t;
	time_t c = curl_getdate(s, NULL);
	return c < 0 ? -1 : (long long)c;
}
