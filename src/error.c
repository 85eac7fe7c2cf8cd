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

void cr_error_format(const struct cr_error *err, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "%s", err->msg);
	if (err->errnum && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, ": %s", strerror(err->errnum));
	if (err->hint[0] && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "; %s", err->hint);
}

void cr_error_print(const struct cr_error *err)
{
	char line[2048];

	cr_error_format(err, line, sizeof(line));
	fprintf(stderr, "conti-rootless: %s\n", line);
}

void cr_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("conti-rootless: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
