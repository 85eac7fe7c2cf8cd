/* image/record.c - an image record applied to the options (image/record.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "env.h"
#include "image/record.h"
#include "net/ports.h"
#include "utils.h"

static void strv_copy(struct cr_strv *dst, const struct cr_strv *src)
{
	strv_free(dst);
	for (size_t i = 0; i < src->n; i++)
		strv_push(dst, src->v[i]);
}

/* The image's Env, then each -e over it: a key the user gave keeps the image's place. */
static void merge_env(struct cr_config *cfg, const struct cr_config *rec)
{
	struct cr_strv env = {0};

	for (size_t i = 0; i < rec->env.n; i++) {
		if (strchr(rec->env.v[i], '=') && rec->env.v[i][0] != '=')
			env_set(&env, rec->env.v[i]);
	}
	for (size_t i = 0; i < cfg->env.n; i++)
		env_set(&env, cfg->env.v[i]);
	strv_free(&cfg->env);
	cfg->env = env;
}

/* Entrypoint + Cmd as docker builds them; cfg->entrypoint ends up the one used. */
static int merge_command(struct cr_config *cfg, const struct cr_config *rec, struct cr_error *err)
{
	struct cr_strv argv = {0};
	const struct cr_strv *cmd = cfg->args.n || cfg->entrypoint_set ? &cfg->args : &rec->args;

	if (!cfg->entrypoint_set)
		strv_copy(&cfg->entrypoint, &rec->entrypoint);
	else if (cfg->entrypoint.n == 1 && !cfg->entrypoint.v[0][0])
		strv_free(&cfg->entrypoint); /* --entrypoint '': none */
	for (size_t i = 0; i < cfg->entrypoint.n; i++)
		strv_push(&argv, cfg->entrypoint.v[i]);
	for (size_t i = 0; i < cmd->n; i++)
		strv_push(&argv, cmd->v[i]);
	if (argv.n == 0) {
		cr_fail(err, 0, "no command: the image has no Cmd or Entrypoint");
		return cr_hint(err, "give one after IMAGE");
	}
	strv_free(&cfg->args);
	cfg->args = argv;
	return 0;
}

/* WorkingDir and User, where -w and -u did not say. */
static int merge_cwd_user(struct cr_config *cfg, const struct cr_config *rec, struct cr_error *err)
{
	if (!cfg->cwd && rec->cwd && rec->cwd[0])
		cfg->cwd =
		    rec->cwd[0] == '/' ? cr_xstrdup(rec->cwd) : cr_xasprintf("/%s", rec->cwd);
	/* keep-id's default user is you, whatever the image says (podman) */
	if (cfg->user_set || !rec->user || !rec->user[0] || cfg->userns == CR_USERNS_KEEP_ID)
		return 0;
	if (cli_parse_user(rec->user, &cfg->uid, &cfg->gid, err) < 0)
		return cr_prefix(err, "the image's User");
	cfg->user_set = true;
	cfg->user = cr_xstrdup(rec->user);
	return 0;
}

int image_apply_record(struct cr_config *cfg, const struct cr_config *rec, struct cr_error *err)
{
	if (merge_command(cfg, rec, err) < 0 || merge_cwd_user(cfg, rec, err) < 0)
		return -1;
	merge_env(cfg, rec);
	free(cfg->image);
	cfg->image = cr_xstrdup(rec->image);
	strv_copy(&cfg->layers, &rec->layers);
	free(cfg->stop_signal);
	cfg->stop_signal = rec->stop_signal ? cr_xstrdup(rec->stop_signal) : NULL;
	strv_copy(&cfg->labels, &rec->labels);
	strv_copy(&cfg->expose, &rec->expose);
	/* -P: the image's ExposedPorts, each on a free host port (kept as port= lines) */
	return cfg->publish_all ? ports_publish_exposed(cfg, err) : 0;
}
