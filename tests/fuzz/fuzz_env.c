/* fuzz_env.c - libFuzzer target: env files (env_add_text, what --env-file reads); every
 * failure must format as one printable line, every entry added must be KEY=VALUE. */
#include "env.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_strv env = {0};
	struct cr_error err = {0};

	if (env_add_text(&env, (const char *)data, size, "fuzz", &err) < 0)
		fuzz_check_error_line(&err);
	for (size_t i = 0; i < env.n; i++) {
		if (!strchr(env.v[i], '=') || env.v[i][0] == '=' || strchr(env.v[i], '\n'))
			abort();
	}
	strv_free(&env);
	return 0;
}
