/* trace.h - --trace output: each kernel step as the shell command that does it. */
#ifndef CR_TRACE_H
#define CR_TRACE_H

#include <stdbool.h>

/* Prints "+ COMMAND  # N.NNN ms" on stderr when on; start_ns is when the step began. */
void trace_step(bool on, unsigned long long start_ns, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
