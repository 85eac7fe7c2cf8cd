/* format.c - sizes, times and names as the image commands print them (docker's rules). */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/format.h"

void image_human_size(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1000.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000.0;
		u++;
	}
	snprintf(buf, len, "%.3g%s", v, units[u]);
}

long long image_parse_time(const char *s)
{
	struct tm tm;
	const char *p;
	long long t, off = 0;

	if (!s)
		return 0;
	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return 0;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == '+' || *p == '-') {
		int h = 0, m = 0;

		if (sscanf(p + 1, "%2d:%2d", &h, &m) != 2)
			return 0;
		off = (h * 3600LL + m * 60LL) * (*p == '+' ? 1 : -1);
	} else if (*p != 'Z' && *p != 'z') {
		return 0;
	}
	t = (long long)timegm(&tm);
	return t - off > 0 ? t - off : 0;
}

void image_split_name(const char *name, char *repo, size_t rlen, char *tag, size_t tlen,
		      char *digest, size_t dlen)
{
	const char *at = strchr(name, '@');
	const char *slash = strrchr(name, '/');
	const char *colon;

	digest[0] = '\0';
	if (at) {
		snprintf(repo, rlen, "%.*s", (int)(at - name), name);
		snprintf(tag, tlen, "<none>");
		snprintf(digest, dlen, "%s", at + 1);
		return;
	}
	colon = strrchr(name, ':');
	if (colon && (!slash || colon > slash)) {
		snprintf(repo, rlen, "%.*s", (int)(colon - name), name);
		snprintf(tag, tlen, "%s", colon + 1);
	} else {
		snprintf(repo, rlen, "%s", name);
		snprintf(tag, tlen, "latest");
	}
}

int image_bad_option(const char *cmd, const char *arg, const char *synopsis, struct cr_error *err)
{
	cr_fail(err, 0, "%s: unknown or incomplete option %s", cmd, arg);
	return cr_hint(err, "conti-rootless %s %s", cmd, synopsis);
}
