/* batch.h - JSON Lines in, one JSON line out per record, in input order,
 * on several threads.  Memory stays constant: the input is read in blocks
 * of whole lines and each block's output is written before more is read. */
#ifndef TAGAR_CLASSIFY_BATCH_H
#define TAGAR_CLASSIFY_BATCH_H

#include "output.h"

/* Tags every record of `in` (its first line is number first_line) and writes
 * to c->out.  c supplies the options and model; threads get classifiers of
 * their own.  prefix[0..nprefix) (at most 64 bytes: what sniffing the
 * format read) comes before the rest of `in`.  Returns 0, 1 when some
 * record failed, 3 on an I/O error. */
int tagar_batch_run(const ctx *c, FILE *in, long first_line, const char *prefix, size_t nprefix);

#endif
