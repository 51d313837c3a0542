/* models.c - the served models: reference-counted holders swapped on
 * reload.  See models.h for the rules. */
#include "models.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct srv_holder {
	tagar_model *m;
	char *info;                  /* GET /v1/models entry */
	atomic_int refs;             /* the slot's, and one per request */
	pthread_mutex_t lock;        /* guards spare */
	tagar_classifier **spare;    /* classifiers given back */
	int nspare, cap;
};

typedef struct {
	char id[SRV_ID_MAX];
	char *path;
	pthread_mutex_t lock;        /* guards cur: taken, swapped */
	srv_holder *cur;
	atomic_long articles;
} slot;

struct srv_models {
	slot *s;
	int n, cap;
};

static int id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.';
}

int srv_model_spec(const char *spec, char *id, size_t idn, const char **path, FILE *err)
{
	const char *eq = strchr(spec, '='), *name = spec;
	size_t n;
	if (eq) {
		n = (size_t)(eq - spec);
		*path = eq + 1;
	} else {  /* PATH alone: its file name without .tgm */
		const char *slash = strrchr(spec, '/');
		*path = spec;
		name = slash ? slash + 1 : spec;
		n = strlen(name);
		if (n > 4 && !strcmp(name + n - 4, ".tgm"))
			n -= 4;
	}
	int ok = n > 0 && n < idn && **path;
	for (size_t i = 0; ok && i < n; i++)
		ok = id_char(name[i]);
	if (!ok) {
		fprintf(err, "tagar-serve: invalid model '%s': want ID=MODEL, ID of 1 to %zu letters, digits, "
			"'.', '-' or '_'\n", spec, idn - 1);
		return -1;
	}
	memcpy(id, name, n);
	id[n] = 0;
	return 0;
}

/* The tag names, for a model whose metadata lists none. */
static cJSON *tag_names(const tagar_model *m)
{
	cJSON *a = cJSON_CreateArray();
	for (int t = 0; a && t < tagar_model_ntags(m); t++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "tag", tagar_model_tag(m, t));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* {"id", "path", "loaded", "tags": [{"tag", "threshold", "cv_f1", ...}],
 * "cv": {...}, "corpus": {...}}: the model's own metadata, as stored. */
static char *model_info(const char *id, const char *path, const tagar_model *m)
{
	cJSON *meta = cJSON_Parse(tagar_model_meta(m)), *o = cJSON_CreateObject();
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddStringToObject(o, "loaded", when);
	cJSON_AddNumberToObject(o, "terms", (double)tagar_model_nterms(m));
	cJSON *tags = meta ? cJSON_DetachItemFromObjectCaseSensitive(meta, "tags") : NULL;
	cJSON_AddItemToObject(o, "tags", cJSON_IsArray(tags) ? tags : (cJSON_Delete(tags), tag_names(m)));
	for (const char *const *k = (const char *const[]){"cv", "corpus", NULL}; *k; k++) {
		cJSON *v = meta ? cJSON_DetachItemFromObjectCaseSensitive(meta, *k) : NULL;
		if (v)
			cJSON_AddItemToObject(o, *k, v);
	}
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	cJSON_Delete(meta);
	return s;
}

static srv_holder *holder_load(const char *id, const char *path, tagar_err *err)
{
	srv_holder *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return NULL;
	}
	if ((h->m = tagar_model_load(path, err)) && (h->info = model_info(id, path, h->m))) {
		atomic_init(&h->refs, 1);
		pthread_mutex_init(&h->lock, NULL);
		return h;
	}
	if (h->m)
		snprintf(err->msg, sizeof err->msg, "out of memory");
	tagar_model_free(&h->m);
	free(h);
	return NULL;
}

static void holder_free(srv_holder *h)
{
	for (int i = 0; i < h->nspare; i++)
		tagar_classifier_free(&h->spare[i]);
	free(h->spare);
	pthread_mutex_destroy(&h->lock);
	cJSON_free(h->info);
	tagar_model_free(&h->m);
	free(h);
}

void srv_holder_release(srv_holder *h)
{
	/* acq_rel: whatever a releasing thread did with the model happens
	 * before the last one frees it */
	if (h && atomic_fetch_sub_explicit(&h->refs, 1, memory_order_acq_rel) == 1)
		holder_free(h);
}

srv_models *srv_models_new(void)
{
	return calloc(1, sizeof(srv_models));
}

int srv_models_add(srv_models *ms, const char *id, const char *path, FILE *log)
{
	tagar_err err = {0, ""};
	if (srv_models_find(ms, id, strlen(id)) >= 0) {
		fprintf(log, "tagar-serve: model id '%s' given twice\n", id);
		return -1;
	}
	if (ms->n == ms->cap) {
		int cap = ms->cap ? 2 * ms->cap : 4;
		slot *s = realloc(ms->s, (size_t)cap * sizeof *s);
		if (!s)
			return fprintf(log, "tagar-serve: out of memory\n"), -1;
		ms->s = s;
		ms->cap = cap;
	}
	slot *s = &ms->s[ms->n];
	memset(s, 0, sizeof *s);
	snprintf(s->id, sizeof s->id, "%s", id);
	if (!(s->path = strdup(path)) || !(s->cur = holder_load(id, path, &err))) {
		fprintf(log, "tagar-serve: model '%s': %s\n", id, s->path ? err.msg : "out of memory");
		free(s->path);
		return -1;
	}
	pthread_mutex_init(&s->lock, NULL);
	atomic_init(&s->articles, 0);
	ms->n++;
	return 0;
}

void srv_models_free(srv_models **msp)
{
	srv_models *ms = msp ? *msp : NULL;
	if (!ms)
		return;
	for (int i = 0; i < ms->n; i++) {
		srv_holder_release(ms->s[i].cur);
		pthread_mutex_destroy(&ms->s[i].lock);
		free(ms->s[i].path);
	}
	free(ms->s);
	free(ms);
	*msp = NULL;
}

int srv_models_count(const srv_models *ms)
{
	return ms->n;
}

const char *srv_models_id(const srv_models *ms, int i)
{
	return ms->s[i].id;
}

int srv_models_find(const srv_models *ms, const char *id, size_t n)
{
	for (int i = 0; i < ms->n; i++)
		if (strlen(ms->s[i].id) == n && !memcmp(ms->s[i].id, id, n))
			return i;
	return -1;
}

int srv_models_reload(srv_models *ms, FILE *log)
{
	int failed = 0;
	for (int i = 0; i < ms->n; i++) {
		slot *s = &ms->s[i];
		tagar_err err = {0, ""};
		/* loaded outside the lock: requests go on meanwhile */
		srv_holder *h = holder_load(s->id, s->path, &err), *old;
		if (!h) {
			fprintf(log, "tagar-serve: reload: model '%s' refused, the loaded one stays: %s\n", s->id,
				err.msg);
			failed++;
			continue;
		}
		pthread_mutex_lock(&s->lock);
		old = s->cur;
		s->cur = h;
		pthread_mutex_unlock(&s->lock);
		srv_holder_release(old);  /* freed when its last request ends */
		fprintf(log, "tagar-serve: reload: model '%s' loaded from %s\n", s->id, s->path);
	}
	return failed;
}

srv_holder *srv_models_acquire(srv_models *ms, int i)
{
	slot *s = &ms->s[i];
	pthread_mutex_lock(&s->lock);
	srv_holder *h = s->cur;
	atomic_fetch_add_explicit(&h->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&s->lock);
	return h;
}

const tagar_model *srv_holder_model(const srv_holder *h)
{
	return h->m;
}

const char *srv_holder_info(const srv_holder *h)
{
	return h->info;
}

tagar_classifier *srv_holder_classifier(srv_holder *h, tagar_err *err)
{
	tagar_classifier *c = NULL;
	pthread_mutex_lock(&h->lock);
	if (h->nspare)
		c = h->spare[--h->nspare];
	pthread_mutex_unlock(&h->lock);
	return c ? c : tagar_classifier_new(h->m, err);
}

void srv_holder_give_back(srv_holder *h, tagar_classifier *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&h->lock);
	if (h->nspare == h->cap) {
		int cap = h->cap ? 2 * h->cap : 8;
		tagar_classifier **s = realloc(h->spare, (size_t)cap * sizeof *s);
		if (s) {
			h->spare = s;
			h->cap = cap;
		}
	}
	if (h->nspare < h->cap) {
		h->spare[h->nspare++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&h->lock);
	tagar_classifier_free(&c);  /* no room to keep it */
}

void srv_models_count_article(srv_models *ms, int i, long n)
{
	atomic_fetch_add_explicit(&ms->s[i].articles, n, memory_order_relaxed);
}

long srv_models_articles(const srv_models *ms, int i)
{
	return atomic_load_explicit(&((srv_models *)ms)->s[i].articles, memory_order_relaxed);
}
