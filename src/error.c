/* error.c - filling and printing struct cr_error. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

int cr_fail(struct cr_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	err->errnum = errnum;
	err->status = CR_EXIT_TOOL;
	err->hint[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int cr_hint(struct cr_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
	return -1;
}

int cr_prefix(struct cr_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

/* The length of the UTF-8 sequence of a printable character at s (at most n bytes), 0 when
 * s does not start one: invalid, overlong, a surrogate, or a C0/C1 control or DEL. */
static size_t printable_utf8(const unsigned char *s, size_t n)
{
	unsigned int c;
	size_t len;

	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < 0xa0 || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

size_t cr_escape(const char *s, size_t n, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t in = 0, out = 0;

	if (len == 0)
		return 0;
	while (in < n) {
		size_t k = printable_utf8(p + in, n - in);
		char esc[4];
		size_t elen = k;

		if (!k) {
			esc[0] = '\\';
			elen = 2;
			if (p[in] == '\n')
				esc[1] = 'n';
			else if (p[in] == '\r')
				esc[1] = 'r';
			else if (p[in] == '\t')
				esc[1] = 't';
			else {
				esc[1] = 'x';
				esc[2] = hex[p[in] >> 4];
				esc[3] = hex[p[in] & 15];
				elen = 4;
			}
		}
		/* Room for this piece and, should more follow, the "..." of a cut. */
		if (out + elen + (in + (k ? k : 1) < n ? 3 : 0) >= len) {
			if (out + 3 < len) {
				memcpy(buf + out, "...", 3);
				out += 3;
			}
			break;
		}
		if (k)
			memcpy(buf + out, p + in, k);
		else
			memcpy(buf + out, esc, elen);
		out += elen;
		in += k ? k : 1;
	}
	buf[out] = '\0';
	return out;
}

const char *cr_cut(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s);

	if (n + 1 <= len)
		return s;
	snprintf(buf, len, "%.*s... (%zu bytes)", (int)(len > 40 ? len - 40 : 0), s, n);
	return buf;
}

void cr_error_format(const struct cr_error *err, char *buf, size_t len)
{
	char raw[sizeof(err->msg) + sizeof(err->hint) + 256];
	int n;

	n = snprintf(raw, sizeof(raw), "%s", err->msg);
	if (err->errnum && n >= 0 && (size_t)n < sizeof(raw))
		n += snprintf(raw + n, sizeof(raw) - n, ": %s", strerror(err->errnum));
	if (err->hint[0] && n >= 0 && (size_t)n < sizeof(raw))
		snprintf(raw + n, sizeof(raw) - n, "; %s", err->hint);
	cr_escape(raw, strlen(raw), buf, len);
}

void cr_error_print(const struct cr_error *err)
{
	char line[2048];

	if (!err->msg[0])
		return; /* a helper that failed said why itself */
	cr_error_format(err, line, sizeof(line));
	fprintf(stderr, "conti-rootless: %s\n", line);
}

void cr_warn(const char *fmt, ...)
{
	char raw[2048], line[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (n < 0)
		raw[0] = '\0';
	cr_escape(raw, strlen(raw), line, sizeof(line));
	fprintf(stderr, "conti-rootless: warning: %s\n", line);
}
