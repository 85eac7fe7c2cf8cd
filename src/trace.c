/* trace.c - printing kernel steps for --trace. */
#include <stdarg.h>
#include <stdio.h>

#include "trace.h"
#include "utils.h"

void trace_step(bool on, unsigned long long start_ns, const char *fmt, ...)
{
	char line[4096];
	va_list ap;

	if (!on)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "+ %s  # %.3f ms\n", line, (double)(cr_now_ns() - start_ns) / 1e6);
}
