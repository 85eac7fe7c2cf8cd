/* fuzz_cli.c - libFuzzer target: the command line (cli_parse). The input is split at NUL
 * bytes into argv[1..]; every failure must format as one printable line. */
#include <stdio.h>

#include "cli.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	char *argv[256];
	int argc = 0;
	struct cr_cli cli;
	struct cr_error err = {0};
	FILE *out = fopen("/dev/null", "w");

	argv[argc++] = "conti-rootless";
	for (char *p = text; argc < 255 && p <= text + size;) {
		argv[argc++] = p;
		p += strlen(p) + 1;
	}
	argv[argc] = NULL;
	if (cli_parse(argc, argv, &cli, out ? out : stdout, &err) < 0)
		fuzz_check_error_line(&err);
	cli_free(&cli);
	if (out)
		fclose(out);
	free(text);
	return 0;
}
