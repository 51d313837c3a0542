/* jsonline.h - the fast path for one JSONL record (library-internal).
 *
 * tagar_jsonline_parse() reads the common record shape - one flat object
 * whose values are strings, numbers, true/false/null or arrays of strings -
 * straight into a tagar_record, without building a cJSON tree.  It only
 * takes lines on which it gives exactly what the cJSON path gives; on any
 * other line it declines, and the caller runs the cJSON path, which then
 * also writes the error message.  So it never reports a format error.
 *
 * Returns 1 when it handled the line: *r is filled as
 *   tagar_record_parse_json() fills it on success, owned by the caller
 *   (release with tagar_record_clear());
 * 0 when it declines: *r is zeroed and nothing is allocated;
 * TAGAR_ENOMEM when out of memory: *r is zeroed.
 * Reads line[0..len) only (no NUL terminator needed).  No state: any number
 * of threads may call it at once. */
#ifndef TAGAR_JSONLINE_H
#define TAGAR_JSONLINE_H

#include "internal.h"

int tagar_jsonline_parse(const char *line, size_t len, int need_tags, tagar_record *r);

/* The cJSON path alone (record.c), the reference the fast path must match:
 * for the differential fuzz harness and the unit tests. */
int tagar_record_parse_json_cjson(const char *line, size_t len, int need_tags,
				  tagar_record *r, tagar_err *err);

/* The raw text of the first top-level member named key of a line cJSON
 * has accepted as an object (JSON numbers lose digits as doubles; ids are
 * kept as written): *v, *vn point into line.  0 when there is none. */
int tagar_jsonline_member(const char *line, size_t len, const char *key, const char **v, size_t *vn);

/* Removes the repeats from tags[0..*n), keeping each tag's first place and
 * freeing the repeats; a hash set, so the cost is linear in the tags'
 * bytes.  0, or TAGAR_ENOMEM (the tags are then left as they were). */
int tagar_tags_dedupe(char **tags, int *n);

#endif
