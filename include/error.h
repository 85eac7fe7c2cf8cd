/* error.h - the one error convention of conti-rootless.
 *
 * Every function that can fail takes a `struct cr_error *` and returns -1
 * after filling it (cr_fail), or 0 on success. Callers return the error up
 * unchanged; main() prints it as one line and exits with err->status.
 */
#ifndef CR_ERROR_H
#define CR_ERROR_H

#include <stddef.h>

/* Exit statuses, as docker and podman use them. */
enum {
	CR_EXIT_TOOL = 125,	   /* conti-rootless itself failed */
	CR_EXIT_CANNOT_EXEC = 126, /* command found but cannot be executed */
	CR_EXIT_NOT_FOUND = 127,   /* command not found */
};

struct cr_error {
	int errnum;	/* errno of the failed call, 0 if none */
	int status;	/* exit status to report, CR_EXIT_TOOL unless set */
	char msg[1024]; /* what failed, already naming the object */
	char hint[512]; /* what the user can do about it, may be empty */
};

/* Fills err with errnum and a printf-style message; always returns -1. */
int cr_fail(struct cr_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets the hint (the fix) of an error already filled; always returns -1. */
int cr_hint(struct cr_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes the message of a filled error with context ("mount /dev: ..."); returns -1. */
int cr_prefix(struct cr_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies the n bytes of s into buf (len bytes) as printable text on one line: control
 * characters, DEL, C1 controls and bytes that are not UTF-8 become \n \r \t or \xHH; what does
 * not fit is cut, ending in "...". Always NUL-terminates (len > 0); returns its length. */
size_t cr_escape(const char *s, size_t n, char *buf, size_t len);

/* s itself when it fits in len - 1 bytes, else its head in buf (len bytes) with "... (N
 * bytes)": for quoting what a user gave in a message. */
const char *cr_cut(const char *s, char *buf, size_t len);

/* Size of a buffer for cr_cut in messages: values quoted in messages stay short. */
#define CR_CUT_SIZE 160

/* Formats err as the single line the user sees (no trailing newline), escaped. */
void cr_error_format(const struct cr_error *err, char *buf, size_t len);

/* Prints err as one line on stderr, prefixed with the program name. */
void cr_error_print(const struct cr_error *err);

/* Prints a one-line warning on stderr, prefixed with the program name (escaped). */
void cr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
