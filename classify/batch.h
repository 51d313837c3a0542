/* batch.h - JSON Lines in, one JSON line out per record, in input order,
 * on several threads.  Memory stays constant: the input is read in blocks
 * of whole lines and each block's output is written before more is read. */
#ifndef TAGAR_CLASSIFY_BATCH_H
#define TAGAR_CLASSIFY_BATCH_H

#include "output.h"

/* Where the lines come from: fd (read with read(2), head[0..headlen) being
 * bytes already read from it), or, when fd is -1, head[0..headlen) alone. */
typedef struct {
	int fd;
	const char *head;
	size_t headlen;
} batch_input;

/* Tags every record of src and writes to c->out.  c supplies the options
 * and model; threads get classifiers of their own.  From a pipe, records
 * are written as soon as they are tagged whenever the input pauses.
 * Returns 0, 1 when some record failed, 3 on an I/O error. */
int tagar_batch_run(const ctx *c, const batch_input *src);

#endif
