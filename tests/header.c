/* header.c - what tagar.h promises about ownership and errors, checked:
 * value structs and NULL in the free functions, the classifier saying why
 * it could not be made. */
#include "check.h"
#include "tagar.h"

#include <string.h>

static void test_value_structs(tally *t)
{
	tagar_corpus_free(NULL);
	tagar_record_clear(NULL);
	CHECK(t, 1, "tagar_corpus_free(NULL) and tagar_record_clear(NULL) return");
	tagar_corpus c = {0};
	tagar_corpus_free(&c);
	tagar_corpus_free(&c);
	CHECK(t, c.rec == NULL && c.n == 0, "a zeroed corpus frees, twice, and stays zeroed");
	tagar_record r = {0};
	tagar_record_clear(&r);
	CHECK(t, r.id == NULL && r.ntags == 0, "a zeroed record clears and stays zeroed");
}

static void test_free_null(tally *t)
{
	tagar_model *m = NULL;
	tagar_classifier *c = NULL;
	tagar_model_free(&m);
	tagar_model_free(NULL);
	tagar_classifier_free(&c);
	tagar_classifier_free(NULL);
	CHECK(t, 1, "the object free functions accept NULL and a NULL pointer");
}

static void test_classifier_err(tally *t)
{
	tagar_err e = {0, ""};
	tagar_model *m = tagar_model_load("models/default.tgm", &e);
	CHECK(t, m != NULL, "models/default.tgm loads: %s", e.msg);
	if (!m)
		return;
	e = (tagar_err){-99, "stale"};
	tagar_classifier *c = tagar_classifier_new(m, &e);
	CHECK(t, c != NULL, "a classifier for the default model");
	CHECK(t, c == NULL || e.code == -99, "success leaves err alone");
	tagar_classifier_free(&c);
	c = tagar_classifier_new(m, NULL);
	CHECK(t, c != NULL, "err may be NULL");
	tagar_classifier_free(&c);
	tagar_model_free(&m);
}

int main(void)
{
	tally t = {0, 0};
	test_value_structs(&t);
	test_free_null(&t);
	test_classifier_err(&t);
	printf("header: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed != 0;
}
