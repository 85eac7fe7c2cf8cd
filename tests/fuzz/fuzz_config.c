/* fuzz_config.c - libFuzzer target: the saved configuration (config_parse), as read back from
 * DATA/containers/NAME/config, which anyone with the user's files may have damaged. What
 * parses must hold modes the code knows, and serialize and parse again to the same text. */
#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct cr_config cfg;

	config_init(&cfg);
	if (config_parse(text, &cfg) == 0) {
		char *once = config_serialize(&cfg), *twice;
		struct cr_config again;

		/* Modes are what the code knows. */
		if ((unsigned)cfg.uidmap > CR_UIDMAP_SINGLE ||
		    (unsigned)cfg.overlay > CR_OVERLAY_NONE || (unsigned)cfg.net > CR_NET_PRIVATE ||
		    (unsigned)cfg.net_helper > CR_NETH_SLIRP4NETNS)
			abort();
		config_init(&again);
		if (config_parse(once, &again) < 0)
			abort();
		twice = config_serialize(&again);
		if (strcmp(once, twice))
			abort();
		free(once);
		free(twice);
		config_free(&again);
	}
	config_free(&cfg);
	free(text);
	return 0;
}
