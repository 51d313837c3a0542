/* answer.h - the bodies tagar-serve answers with, built in memory:
 * tags for an article or a batch (the tagar-classify --json shape, from
 * the library's tagar_write_json), Annif's results, the model list.  Each
 * function writes the body to out and returns the HTTP status; on an
 * error the body is {"error": "..."}.  No socket is involved. */
#ifndef TAGAR_SERVE_ANSWER_H
#define TAGAR_SERVE_ANSWER_H

#include "models.h"
#include "request.h"

#include <stdio.h>

/* {"error": msg} and a newline. */
void srv_error_body(FILE *out, const char *msg);

/* The tags of one article d with slot's model: the tagar-classify --json
 * record.  Counts the article for /metrics. */
unsigned srv_answer_suggest(FILE *out, srv_models *ms, int slot, const srv_doc *d, const srv_params *p);
/* {"results": [record or {"id"?, "error"}, ...]}, in the documents' order. */
unsigned srv_answer_batch(FILE *out, srv_models *ms, int slot, const srv_batch *b, const srv_params *p);
/* Annif's {"results": [{"label", "score"}, ...]}. */
unsigned srv_answer_annif(FILE *out, srv_models *ms, int slot, const srv_doc *d, const srv_params *p);
/* {"models": [entry, ...]}, or one model's entry (slot >= 0). */
unsigned srv_answer_models(FILE *out, srv_models *ms, int slot);
/* Annif's project list, or one project (slot >= 0). */
unsigned srv_answer_projects(FILE *out, srv_models *ms, int slot);

#endif
