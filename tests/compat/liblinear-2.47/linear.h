/* LIBLINEAR 2.47's public struct layout and version macro, for `make
 * compat-check` only: lib/linfit.c is compiled against this header as
 * well as the installed one (Debian 12: 2.30), so a struct filled by
 * position, or a field a newer release adds and tagar must set, fails the
 * build here instead of training different models there.  Written from
 * LIBLINEAR's documented API (its README, "Library Usage"); only what
 * tagar uses is declared.  Since 2.30: struct parameter gained nu and
 * regularize_bias (with the one-class SVM solver, 2.40), struct model rho. */
#ifndef _LIBLINEAR_H
#define _LIBLINEAR_H

#define LIBLINEAR_VERSION 247

extern int liblinear_version;

struct feature_node {
	int index;
	double value;
};

struct problem {
	int l, n;
	double *y;
	struct feature_node **x;
	double bias;
};

enum { L2R_LR, L2R_L2LOSS_SVC_DUAL, L2R_L2LOSS_SVC, L2R_L1LOSS_SVC_DUAL, MCSVM_CS, L1R_L2LOSS_SVC, L1R_LR,
       L2R_LR_DUAL, L2R_L2LOSS_SVR = 11, L2R_L2LOSS_SVR_DUAL, L2R_L1LOSS_SVR_DUAL, ONECLASS_SVM = 21 };

struct parameter {
	int solver_type;
	double eps;
	double C;
	int nr_weight;
	int *weight_label;
	double *weight;
	double p;
	double nu;
	double *init_sol;
	int regularize_bias;
};

struct model {
	struct parameter param;
	int nr_class;
	int nr_feature;
	double *w;
	int *label;
	double bias;
	double rho;
};

struct model *train(const struct problem *prob, const struct parameter *param);
double predict_values(const struct model *model_, const struct feature_node *x, double *dec_values);
void free_and_destroy_model(struct model **model_ptr_ptr);
void set_print_string_function(void (*print_func)(const char *));

#endif
