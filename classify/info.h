/* info.h - tagar-classify --info: the model's metadata, with the training
 * options by the names tagar-train takes; a summary, or JSON (--json). */
#ifndef TAGAR_CLASSIFY_INFO_H
#define TAGAR_CLASSIFY_INFO_H

#include "output.h"

/* Writes the model's metadata to c->out; 0, or EXIT_IO_ERROR with a
 * message when the metadata cannot be read. */
int info_print(ctx *c, const char *path);
/* --vocab: the model's tag vocabulary, as a file tagar-train --vocab reads;
 * EXIT_RECORDS with a message when the model has none. */
int vocab_print(ctx *c, const char *path);

#endif
