/* config.c - the container configuration struct. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "utils.h"

void config_init(struct cr_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->uidmap = CR_UIDMAP_AUTO;
	cfg->overlay = CR_OVERLAY_AUTO;
	cfg->net = CR_NET_HOST;
	cfg->tty = -1;
}

void strv_push(struct cr_strv *v, const char *s)
{
	v->v = cr_xrealloc(v->v, (v->n + 2) * sizeof(*v->v));
	v->v[v->n++] = cr_xstrdup(s);
	v->v[v->n] = NULL;
}

void strv_free(struct cr_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

void config_add_mount(struct cr_config *cfg, enum cr_mount_kind kind, const char *src,
		      const char *dst, bool readonly)
{
	struct cr_mount *m;

	cfg->mounts = cr_xrealloc(cfg->mounts, (cfg->nmounts + 1) * sizeof(*cfg->mounts));
	m = &cfg->mounts[cfg->nmounts++];
	m->kind = kind;
	m->src = cr_xstrdup(src);
	m->dst = cr_xstrdup(dst);
	m->readonly = readonly;
}

void config_free(struct cr_config *cfg)
{
	free(cfg->name);
	free(cfg->rootfs);
	free(cfg->cwd);
	free(cfg->hostname);
	strv_free(&cfg->args);
	strv_free(&cfg->env);
	for (size_t i = 0; i < cfg->nmounts; i++) {
		free(cfg->mounts[i].src);
		free(cfg->mounts[i].dst);
	}
	free(cfg->mounts);
	config_init(cfg);
}
