/* ps-format.c - what ps prints: durations, status texts, cut cells, filters, templates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ps-format.h"
#include "utils.h"

void psf_duration(long long secs, char *buf, size_t len)
{
	long long minutes = secs / 60, hours = (secs + 1800) / 3600;

	if (secs < 1)
		snprintf(buf, len, "Less than a second");
	else if (secs == 1)
		snprintf(buf, len, "1 second");
	else if (secs < 60)
		snprintf(buf, len, "%lld seconds", secs);
	else if (minutes == 1)
		snprintf(buf, len, "About a minute");
	else if (minutes < 60)
		snprintf(buf, len, "%lld minutes", minutes);
	else if (hours == 1)
		snprintf(buf, len, "About an hour");
	else if (hours < 48)
		snprintf(buf, len, "%lld hours", hours);
	else if (hours < 24 * 7 * 2)
		snprintf(buf, len, "%lld days", hours / 24);
	else if (hours < 24 * 30 * 2)
		snprintf(buf, len, "%lld weeks", hours / 24 / 7);
	else if (hours < 24 * 365 * 2)
		snprintf(buf, len, "%lld months", hours / 24 / 30);
	else
		snprintf(buf, len, "%lld years", secs / 3600 / 24 / 365);
}

/* The time since t (never negative: a clock set back shows "Less than a second"). */
static void since(long long t, long long now, char *buf, size_t len)
{
	psf_duration(now > t ? now - t : 0, buf, len);
}

void psf_status(const char *state, int exit_code, long long started, long long finished,
		long long now, char *buf, size_t len)
{
	char d[32];

	if (!strcmp(state, "running") && started) {
		since(started, now, d, sizeof(d));
		snprintf(buf, len, "Up %s", d);
	} else if (!strcmp(state, "running")) {
		snprintf(buf, len, "Up");
	} else if (!strcmp(state, "exited") && exit_code >= 0 && finished) {
		since(finished, now, d, sizeof(d));
		snprintf(buf, len, "Exited (%d) %s ago", exit_code, d);
	} else if (!strcmp(state, "exited") && exit_code >= 0) {
		snprintf(buf, len, "Exited (%d)", exit_code);
	} else {
		/* created, damaged, exited with no known code: the state, capitalized */
		snprintf(buf, len, "%s", state);
		if (buf[0] >= 'a' && buf[0] <= 'z')
			buf[0] = (char)(buf[0] - 'a' + 'A');
	}
}

void psf_ago(long long t, long long now, char *buf, size_t len)
{
	char d[32];

	if (!t) {
		snprintf(buf, len, "%s", "");
		return;
	}
	since(t, now, d, sizeof(d));
	snprintf(buf, len, "%s ago", d);
}

void psf_rfc3339(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%s", "");
}

/* True for a byte that starts a code point (not a UTF-8 continuation byte). */
static bool starts_char(char c)
{
	return ((unsigned char)c & 0xc0) != 0x80;
}

size_t psf_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += starts_char(*s);
	return n;
}

void psf_cut(const char *s, size_t width, bool keep_tail, char *buf, size_t len)
{
	size_t slen = strlen(s), elen = 4 * slen + 1, w, skip;
	cleanup_free char *esc = cr_xmalloc(elen);
	const char *p;

	cr_escape(s, slen, esc, elen);
	w = psf_width(esc);
	if (!width || w <= width) {
		snprintf(buf, len, "%s", esc);
		return;
	}
	if (width == 1) {
		snprintf(buf, len, "…");
		return;
	}
	if (!keep_tail) {
		/* the first width - 1 code points, then the marker */
		for (p = esc, skip = width - 1; *p && (skip || !starts_char(*p)); p++)
			skip -= starts_char(*p) && skip ? 1 : 0;
		snprintf(buf, len, "%.*s…", (int)(p - esc), esc);
		return;
	}
	/* the marker, then the last width - 1 code points */
	for (p = esc, skip = w - (width - 1); *p && (skip || !starts_char(*p)); p++)
		skip -= starts_char(*p) && skip ? 1 : 0;
	snprintf(buf, len, "…%s", p);
}

const char *const psf_field_names[PSF_NFIELDS] = {
    [PSF_ID] = "ID",
    [PSF_NAMES] = "Names",
    [PSF_ROOTFS] = "Rootfs",
    [PSF_COMMAND] = "Command",
    [PSF_CREATED_AT] = "CreatedAt",
    [PSF_RUNNING_FOR] = "RunningFor",
    [PSF_STATUS] = "Status",
    [PSF_STATE] = "State",
    [PSF_PID] = "Pid",
    [PSF_EXIT_CODE] = "ExitCode",
    [PSF_IMAGE] = "Image",
    [PSF_PORTS] = "Ports",
};

const char *const psf_field_headers[PSF_NFIELDS] = {
    [PSF_ID] = "CONTAINER ID",	   [PSF_NAMES] = "NAMES",	    [PSF_ROOTFS] = "ROOTFS",
    [PSF_COMMAND] = "COMMAND",	   [PSF_CREATED_AT] = "CREATED AT", [PSF_RUNNING_FOR] = "CREATED",
    [PSF_STATUS] = "STATUS",	   [PSF_STATE] = "STATE",	    [PSF_PID] = "PID",
    [PSF_EXIT_CODE] = "EXIT CODE", [PSF_IMAGE] = "IMAGE",	    [PSF_PORTS] = "PORTS",
};

/* The field of the action that starts at p ("{{"), its end into *end; -1 when p is not
 * "{{ .Field }}" with a known Field, -2 when it is not closed. */
static int template_field(const char *p, const char **end)
{
	const char *close = strstr(p + 2, "}}");
	const char *f = p + 2, *fend;

	if (!close)
		return -2;
	*end = close + 2;
	while (*f == ' ')
		f++;
	if (*f != '.')
		return -1;
	f++;
	for (fend = f; fend < close && *fend != ' '; fend++)
		;
	for (const char *q = fend; q < close; q++) {
		if (*q != ' ')
			return -1;
	}
	for (int i = 0; i < PSF_NFIELDS; i++) {
		if (strlen(psf_field_names[i]) == (size_t)(fend - f) &&
		    !strncmp(psf_field_names[i], f, (size_t)(fend - f)))
			return i;
	}
	return -1;
}

int psf_template_check(const char *tmpl, struct cr_error *err)
{
	char cut[CR_CUT_SIZE];

	for (const char *p = strstr(tmpl, "{{"), *end; p; p = strstr(end, "{{")) {
		int field = template_field(p, &end);

		if (field == -2) {
			cr_fail(err, 0, "--format '%s' has a '{{' without '}}'",
				cr_cut(tmpl, cut, sizeof(cut)));
			return cr_hint(err, "write fields as {{.Names}}");
		}
		if (field < 0) {
			cr_fail(err, 0, "--format '%s': unknown field '%.*s'",
				cr_cut(tmpl, cut, sizeof(cut)), (int)(end - p), p);
			return cr_hint(err,
				       "the fields are {{.ID}} {{.Names}} {{.Rootfs}} {{.Command}} "
				       "{{.CreatedAt}} {{.RunningFor}} {{.Status}} {{.State}} "
				       "{{.Pid}} {{.ExitCode}} {{.Image}}");
		}
	}
	return 0;
}

void psf_template_print(FILE *out, const char *tmpl, const char *const values[PSF_NFIELDS])
{
	for (const char *p = tmpl; *p;) {
		const char *end;
		int field;

		if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
			fputc(p[1] == 't' ? '\t' : '\n', out);
			p += 2;
		} else if (p[0] == '{' && p[1] == '{' && (field = template_field(p, &end)) >= 0) {
			fputs(values[field], out);
			p = end;
		} else {
			fputc(*p++, out);
		}
	}
	fputc('\n', out);
}

/* docker's state names (ps --filter status=), and this tool's own "damaged". */
static const char *const state_names[] = {"created", "restarting", "running", "removing",
					  "paused",  "exited",	   "dead",    "damaged"};
#define NSTATES (sizeof(state_names) / sizeof(state_names[0]))

static int state_bit(const char *state)
{
	for (size_t i = 0; i < NSTATES; i++) {
		if (!strcmp(state, state_names[i]))
			return (int)i;
	}
	return -1;
}

int psf_filter_add(struct psf_filter *f, const char *spec, struct cr_error *err)
{
	const char *eq = strchr(spec, '=');
	const char *v = eq ? eq + 1 : "";
	size_t klen = eq ? (size_t)(eq - spec) : strlen(spec);
	char cut[CR_CUT_SIZE];
	int bit;

	if (klen == 4 && !strncmp(spec, "name", 4)) {
		f->names = cr_xrealloc(f->names, (f->nnames + 1) * sizeof(*f->names));
		if (regcomp(&f->names[f->nnames], v, REG_EXTENDED | REG_NOSUB) != 0) {
			cr_fail(err, 0, "--filter '%s': not a regular expression",
				cr_cut(spec, cut, sizeof(cut)));
			return cr_hint(err, "give a name or a part of it, e.g. name=^web");
		}
		f->nnames++;
		return 0;
	}
	if (klen == 2 && !strncmp(spec, "id", 2) && *v) {
		strv_push(&f->ids, v);
		return 0;
	}
	if (klen == 6 && !strncmp(spec, "status", 6) && (bit = state_bit(v)) >= 0) {
		f->states |= 1u << bit;
		f->has_states = true;
		return 0;
	}
	cr_fail(err, 0, "invalid --filter '%s'", cr_cut(spec, cut, sizeof(cut)));
	return cr_hint(err, "give name=REGEX, id=PREFIX or status=created|running|exited "
			    "(or restarting|removing|paused|dead|damaged)");
}

bool psf_filter_match(const struct psf_filter *f, const char *name, const char *id,
		      const char *state)
{
	bool ok = f->nnames == 0;
	int bit = state_bit(state);

	for (size_t i = 0; i < f->nnames && !ok; i++)
		ok = regexec(&f->names[i], name, 0, NULL, 0) == 0;
	if (!ok)
		return false;
	ok = f->ids.n == 0;
	for (size_t i = 0; i < f->ids.n && !ok; i++)
		ok = !strncmp(id, f->ids.v[i], strlen(f->ids.v[i]));
	if (!ok)
		return false;
	return !f->has_states || (bit >= 0 && (f->states & (1u << bit)));
}

void psf_filter_free(struct psf_filter *f)
{
	for (size_t i = 0; i < f->nnames; i++)
		regfree(&f->names[i]);
	free(f->names);
	strv_free(&f->ids);
	memset(f, 0, sizeof(*f));
}

/* The width of cell c (from 0) of line, the cell ending at a tab or the newline; 0 when the
 * line has fewer cells. *last tells whether it is the line's last. */
static size_t cell_width(const char *line, size_t c, bool *last)
{
	size_t w = 0;

	for (; c && *line && *line != '\n'; line++)
		c -= *line == '\t';
	*last = true;
	for (; *line && *line != '\t' && *line != '\n'; line++)
		w += starts_char(*line);
	*last = *line != '\t';
	return w;
}

void psf_print_columns(FILE *out, char *const *lines, size_t n)
{
	size_t ncols = 0, *width;

	for (size_t i = 0; i < n; i++) {
		size_t tabs = 1;

		for (const char *p = lines[i]; *p; p++)
			tabs += *p == '\t';
		ncols = tabs > ncols ? tabs : ncols;
	}
	width = cr_xcalloc(ncols ? ncols : 1, sizeof(*width));
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < ncols; c++) {
			bool last;
			size_t w = cell_width(lines[i], c, &last);

			width[c] = w > width[c] ? w : width[c];
			if (last)
				break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		size_t c = 0, w = 0;

		for (const char *p = lines[i]; *p; p++) {
			if (*p != '\t') {
				fputc(*p, out);
				w += starts_char(*p);
				if (*p == '\n')
					c = 0, w = 0;
				continue;
			}
			for (; w < width[c] + 3; w++)
				fputc(' ', out);
			c++, w = 0;
		}
	}
	free(width);
}
