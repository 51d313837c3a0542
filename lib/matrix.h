/* matrix.h - documents as TF-IDF rows, built once and shared by every tag.
 * tagar_matrix is owned by its user; release with tagar_matrix_free. */
#ifndef TAGAR_MATRIX_H
#define TAGAR_MATRIX_H

#include "internal.h"

#include <linear.h>
#include <svm.h>

typedef struct {
	int ndocs;
	long nterms;
	char **terms;             /* nterms strings, sorted bytewise (the term ids) */
	size_t *term_len;
	float *idf;
	int32_t *df;
	/* liblinear rows: index = term id + 1, then the bias node, then -1 */
	struct feature_node **lin;
	struct feature_node *lin_space;
	/* libsvm rows (only when a libsvm solver is used) */
	struct svm_node **svm;
	struct svm_node *svm_space;
} tagar_matrix;

/* Tokenises every record and builds the vocabulary, idf and rows.
 * Terms in fewer than min_df documents or more than max_df of them are dropped. */
int tagar_matrix_build(tagar_matrix *mx, const tagar_corpus *c, const tagar_text_opts *to,
		       const tagar_stopset *stop, double min_df, double max_df, int want_svm,
		       tagar_err *err);
void tagar_matrix_free(tagar_matrix *mx);

#endif
