/* models.h - the models tagar-serve serves, each under an id, and their
 * reloads.
 *
 * A loaded model lives in a holder with a reference count.  A request
 * takes a reference to the current holder (srv_models_acquire), tags with
 * a classifier borrowed from it, and gives both back; a reload
 * (srv_models_reload, on SIGHUP) loads every file anew and swaps the
 * holder under the slot's lock, so a request in flight finishes on the
 * model it started with, and the old holder (its memory map, its
 * classifiers) is freed when its last request gives it back.  A file that
 * does not load leaves the old model in place.
 *
 * Each holder keeps the classifiers its requests have given back, so a
 * worker thread reuses one instead of building one per request: there are
 * never more than the requests in flight at once.  All functions are
 * thread-safe; srv_models_free only after the last request. */
#ifndef TAGAR_SERVE_MODELS_H
#define TAGAR_SERVE_MODELS_H

#include "tagar.h"

#include <stdio.h>

#define SRV_ID_MAX 64

typedef struct srv_holder srv_holder;
typedef struct srv_models srv_models;

/* Parses "ID=PATH" (or PATH, whose id is then its file name without
 * .tgm) into id and path; -1 with a message on err for a bad id. */
int srv_model_spec(const char *spec, char *id, size_t idn, const char **path, FILE *err);

srv_models *srv_models_new(void);
/* Loads a model and serves it as id: 0, or -1 with the reason on log. */
int srv_models_add(srv_models *ms, const char *id, const char *path, FILE *log);
void srv_models_free(srv_models **ms);

int srv_models_count(const srv_models *ms);
const char *srv_models_id(const srv_models *ms, int i);
/* The slot of id, or -1. */
int srv_models_find(const srv_models *ms, const char *id, size_t n);

/* Loads every model file again; a file that fails keeps its old model and
 * is reported on log.  Returns how many failed. */
int srv_models_reload(srv_models *ms, FILE *log);

/* The current holder of slot i, with a reference the caller gives back
 * with srv_holder_release. */
srv_holder *srv_models_acquire(srv_models *ms, int i);
void srv_holder_release(srv_holder *h);
const tagar_model *srv_holder_model(const srv_holder *h);
/* The model's entry for GET /v1/models: {"id", "path", "tags", "cv", ...}
 * (JSON text owned by the holder). */
const char *srv_holder_info(const srv_holder *h);

/* A classifier over the holder's model: one given back earlier, or a new
 * one (NULL with err filled when it cannot be made). */
tagar_classifier *srv_holder_classifier(srv_holder *h, tagar_err *err);
void srv_holder_give_back(srv_holder *h, tagar_classifier *c);

/* Counts an article tagged with slot i's model (for /metrics). */
void srv_models_count_article(srv_models *ms, int i, long n);
long srv_models_articles(const srv_models *ms, int i);

#endif
