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
		/* Limits (#16) are what the options allow: never a value a cgroup file or a
		 * tmpfs would take as something else. */
		if (cfg.res.cpu_weight > 10000 || cfg.res.io_weight > 10000 ||
		    cfg.res.pids_limit < -1 || cfg.res.pids_limit > 4194304 || cfg.res.memory < 0 ||
		    cfg.res.memory_swap < -1 || cfg.res.memory_reservation < 0 ||
		    cfg.res.cpu_quota < 0 || cfg.res.cpu_period < 0 || cfg.shm_size <= 0)
			abort();
		for (size_t i = 0; i < cfg.nmounts; i++) {
			if (cfg.mounts[i].data && strpbrk(cfg.mounts[i].data, "\n\\"))
				abort();
		}
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
