/* linfit_check.c - lib/linfit.c built against LIBLINEAR 2.47's layout
 * (tests/compat/liblinear-2.47/linear.h, first on the include path: `make
 * compat-check`) and run against stand-ins for LIBLINEAR's functions that
 * record what it passes to train() and hand back a model to read.  Checks
 * that every field LIBLINEAR 2.47 reads holds what tagar means, above all
 * regularize_bias (its zero would leave the bias unregularised and change
 * every model).  Prints "compat: N passed, N failed". */
#include "linfit.c"
#include "../check.h"

#include <stdio.h>

#if LIBLINEAR_VERSION != 247
#error "compiled against the installed linear.h, not tests/compat/liblinear-2.47/linear.h"
#endif

/* What the last train() call was given (copied: the arrays are the caller's). */
static struct {
	int calls;
	struct parameter par;
	int weight_label;
	double weight;
	struct problem prob;
	double y[8];
	const struct feature_node *x[8];
} seen;

/* The model train() returns: two classes, the negative one first, so the
 * caller has to flip the signs. */
static int model_label[2] = {-1, 1};
static double model_w[3] = {0.5, -0.25, 0.125};
static struct model fake_model = {.nr_class = 2, .nr_feature = 2, .w = model_w, .label = model_label, .bias = 1.0};

struct model *train(const struct problem *prob, const struct parameter *param)
{
	seen.calls++;
	seen.par = *param;
	seen.weight_label = param->nr_weight > 0 ? param->weight_label[0] : 0;
	seen.weight = param->nr_weight > 0 ? param->weight[0] : 0;
	seen.prob = *prob;
	for (int i = 0; i < prob->l && i < 8; i++) {
		seen.y[i] = prob->y[i];
		seen.x[i] = prob->x[i];
	}
	return &fake_model;
}

double predict_values(const struct model *m, const struct feature_node *x, double *dec)
{
	(void)m;
	*dec = x[0].value;
	return 0;
}

void free_and_destroy_model(struct model **m)
{
	*m = NULL;  /* the stand-in model is static */
}

void set_print_string_function(void (*print_func)(const char *))
{
	(void)print_func;
}

/* Three documents over two terms; rows end with the bias node. */
static struct feature_node doc_rows[3][4] = {
	{{.index = 1, .value = 1}, {.index = 3, .value = 1}, {.index = -1}},
	{{.index = 2, .value = 2}, {.index = 3, .value = 1}, {.index = -1}},
	{{.index = 1, .value = 3}, {.index = 2, .value = 1}, {.index = 3, .value = 1}, {.index = -1}},
};

int main(void)
{
	tally t = {0, 0};
	tagar_train_opts o;
	tagar_train_opts_default(&o);
	o.eps = 0.05;
	struct feature_node *lin[3] = {doc_rows[0], doc_rows[1], doc_rows[2]};
	tagar_matrix mx = {.ndocs = 3, .nterms = 2, .lin = lin};
	signed char y[3] = {1, 0, 0};
	float weights[2] = {0, 0};
	double tagparam[4] = {0, 0, 0, 0};
	tagar_job jb = {.o = &o, .mx = &mx, .ntags = 1, .y = y, .C = 2.5, .weights = weights, .tagparam = tagparam};

	int sub[2] = {0, 2};
	void *m = tagar_linear_learner.fit(&jb, y, sub, 2, 7);
	CHECK(&t, seen.calls == 1 && m == &fake_model, "fit calls train() once and keeps its model");
	const struct parameter *p = &seen.par;
	CHECK(&t, p->solver_type == L2R_L2LOSS_SVC_DUAL, "solver_type %d", p->solver_type);
	CHECK(&t, p->eps == 0.05 && p->C == 2.5, "eps %g C %g", p->eps, p->C);
	CHECK(&t, p->nr_weight == 1 && seen.weight_label == 1, "weight for label %d", seen.weight_label);
	CHECK(&t, seen.weight == 1.0, "positive weight %g (one of two: 1)", seen.weight);
	CHECK(&t, p->p == 0.1, "p %g", p->p);
	CHECK(&t, p->nu == 0.5, "nu %g", p->nu);
	CHECK(&t, p->init_sol == NULL, "no warm start");
	CHECK(&t, p->regularize_bias == 1, "regularize_bias %d: the bias must be regularised as before 2.40",
	      p->regularize_bias);
	const struct problem *pr = &seen.prob;
	CHECK(&t, pr->l == 2 && pr->n == 3 && pr->bias == 1.0, "problem l %d n %d bias %g", pr->l, pr->n, pr->bias);
	CHECK(&t, seen.y[0] == 1 && seen.y[1] == -1, "labels %g %g", seen.y[0], seen.y[1]);
	CHECK(&t, seen.x[0] == doc_rows[0] && seen.x[1] == doc_rows[2], "the chosen rows");
	CHECK(&t, tagar_linear_learner.score(&jb, m, 2) == -3.0, "score: the positive class's side");
	tagar_linear_learner.release(m);

	CHECK(&t, tagar_linear_final(&jb, 0) == 0, "final fit");
	CHECK(&t, seen.prob.l == 3, "final fit on every document");
	CHECK(&t, weights[0] == -0.5f && weights[1] == 0.25f, "weights %g %g (negative class first)",
	      weights[0], weights[1]);
	CHECK(&t, tagparam[0] == -0.125, "bias %g", tagparam[0]);

	printf("compat: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed ? 1 : 0;
}
