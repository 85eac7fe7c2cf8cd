/* ps-format.h - what `ps` prints, as pure functions: docker's human durations and status
 * texts, cells cut to a width with a marker, --filter and --format templates. No system
 * calls: every rule is unit-tested (tests/unit/test_ps.c). */
#ifndef CR_PS_FORMAT_H
#define CR_PS_FORMAT_H

#include <stdbool.h>
#include <regex.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "error.h"

/* docker's approximation of secs seconds: "Less than a second", "1 second", "5 seconds",
 * "About a minute", "5 minutes", "About an hour", "5 hours", "3 days", "3 weeks",
 * "3 months", "3 years" (hours rounded, the rest cut, as docker's go-units does). */
void psf_duration(long long secs, char *buf, size_t len);

/* The STATUS cell of a container in state ("running", "exited", "created", "damaged"):
 * "Up 3 minutes", "Exited (0) 2 hours ago" ("Exited (0)" when finished is unknown, 0),
 * "Created", "Damaged"; times are seconds since the epoch. */
void psf_status(const char *state, int exit_code, long long started, long long finished,
		long long now, char *buf, size_t len);

/* "2 hours ago" for time t ("" when t is unknown, 0). */
void psf_ago(long long t, long long now, char *buf, size_t len);

/* t as RFC 3339 in UTC ("2026-11-23T22:38:00Z"); "" when t is 0. */
void psf_rfc3339(long long t, char *buf, size_t len);

/* Columns s takes on a terminal: its UTF-8 code points. */
size_t psf_width(const char *s);

/* s as one printable line (control characters and bad UTF-8 escaped, as cr_escape does) of at
 * most width columns (0: all of it); a longer one is cut and marked with "…": its end kept
 * (keep_tail, for paths) or its start. */
void psf_cut(const char *s, size_t width, bool keep_tail, char *buf, size_t len);

/* The fields of a --format template ({{.ID}}, ...), in the order of psf_field_names. */
enum psf_field {
	PSF_ID,
	PSF_NAMES,
	PSF_ROOTFS,
	PSF_COMMAND,
	PSF_CREATED_AT,
	PSF_RUNNING_FOR,
	PSF_STATUS,
	PSF_STATE,
	PSF_PID,
	PSF_EXIT_CODE,
	PSF_IMAGE,
	PSF_PORTS,
	PSF_NFIELDS,
};
extern const char *const psf_field_names[PSF_NFIELDS];

/* Checks a --format template: text with {{.Field}} (spaces allowed inside the braces),
 * \t and \n; an unknown field or an unclosed {{ fills err. */
int psf_template_check(const char *tmpl, struct cr_error *err);

/* Prints a checked template with values[field] in place of each field, and a newline. */
void psf_template_print(FILE *out, const char *tmpl, const char *const values[PSF_NFIELDS]);

/* The header of a template's columns: values for psf_template_print ("CONTAINER ID" for
 * {{.ID}}, "NAMES" for {{.Names}}, ...), as docker names them. */
extern const char *const psf_field_headers[PSF_NFIELDS];

/* Prints lines (each ending in '\n') as a table: their tab-separated cells in columns as
 * wide as their widest cell, 3 spaces apart, as docker's "table" templates. */
void psf_print_columns(FILE *out, char *const *lines, size_t n);

/* ps --filter, as docker combines them: values of one key are or'ed, keys are and'ed. */
struct psf_filter {
	regex_t *names; /* name=: extended regular expressions, unanchored */
	size_t nnames;
	struct cr_strv ids; /* id=: prefixes of the id */
	unsigned states;    /* status=: a bit per docker state name */
	bool has_states;
};

/* Adds one KEY=VALUE (name=, id=, status=) to f; an unknown key, status or a bad regular
 * expression fills err. */
int psf_filter_add(struct psf_filter *f, const char *spec, struct cr_error *err);

/* True when a container (its name, full id and state) passes every filter of f. */
bool psf_filter_match(const struct psf_filter *f, const char *name, const char *id,
		      const char *state);

/* Frees what psf_filter_add allocated; leaves f empty. */
void psf_filter_free(struct psf_filter *f);

#endif
