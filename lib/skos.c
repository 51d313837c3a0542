/* skos.c - a tag vocabulary from SKOS in Turtle, the way controlled
 * vocabularies are published (and Annif reads them), parsed by raptor2.
 * Only tagar-train reaches this file, so only it links raptor2.
 *
 * Statements are gathered per subject in the order they come; a subject
 * with a skos:notation, or else an IRI, and at least one label becomes a
 * tag (see tagvocab.h). */
#include "tagvocab.h"

#include <raptor2.h>
#include <stdlib.h>
#include <string.h>

#define SKOS "http://www.w3.org/2004/02/skos/core#"

enum { P_PREF, P_ALT, P_HIDDEN, P_DEF, P_NOTATION, P_NONE };

typedef struct {
	int kind;                 /* P_* */
	char *text;               /* white space (newlines, tabs) as single spaces */
	int line;
} fact;

typedef struct {
	char *key;                /* the subject: an IRI, or "_:" and a blank node id */
	int is_iri;
	int line;                 /* of its first statement */
	fact *f;
	int nf, cap;
} subject;

typedef struct {
	raptor_parser *parser;
	const char *name;
	subject *s;
	int ns, cap;
	long facts;               /* a limit on what is kept, against huge inputs */
	int failed;               /* out of memory */
	tagar_err *err;
	int error_seen;           /* raptor reported an error: err holds the first */
} gather;

static int predicate_kind(const raptor_term *p)
{
	static const char *const names[] = {"prefLabel", "altLabel", "hiddenLabel", "definition", "notation"};
	if (p->type != RAPTOR_TERM_TYPE_URI)
		return P_NONE;
	const char *u = (const char *)raptor_uri_as_string(p->value.uri);
	if (strncmp(u, SKOS, sizeof SKOS - 1) != 0)
		return P_NONE;
	for (int k = 0; k < P_NONE; k++)
		if (strcmp(u + sizeof SKOS - 1, names[k]) == 0)
			return k;
	return P_NONE;
}

/* The literal's text with every run of white space one space. */
static char *literal_text(const raptor_term *o)
{
	if (o->type != RAPTOR_TERM_TYPE_LITERAL)
		return NULL;
	const unsigned char *s = o->value.literal.string;
	size_t n = o->value.literal.string_len, k = 0;
	char *t = malloc(n + 1);
	for (size_t i = 0; t && i < n; i++) {
		int space = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
		if (space && (k == 0 || t[k - 1] == ' '))
			continue;
		t[k++] = space ? ' ' : (char)s[i];
	}
	if (t)
		t[k] = 0;
	return t;
}

static char *subject_key(const raptor_term *s, int *is_iri)
{
	*is_iri = s->type == RAPTOR_TERM_TYPE_URI;
	if (*is_iri)
		return strdup((const char *)raptor_uri_as_string(s->value.uri));
	if (s->type != RAPTOR_TERM_TYPE_BLANK)
		return NULL;
	char *k = malloc(s->value.blank.string_len + 3);
	if (k) {
		memcpy(k, "_:", 2);
		memcpy(k + 2, s->value.blank.string, s->value.blank.string_len);
		k[s->value.blank.string_len + 2] = 0;
	}
	return k;
}

/* The subject's record, added when new.  A vocabulary's statements about
 * one concept mostly come together, so the last subject is tried first. */
static subject *find_subject(gather *g, char *key, int is_iri, int line)
{
	for (int i = g->ns - 1; i >= 0; i--)
		if (strcmp(g->s[i].key, key) == 0) {
			free(key);
			return &g->s[i];
		}
	if (g->ns == g->cap) {
		int nc = g->cap ? g->cap * 2 : 64;
		subject *ns = realloc(g->s, (size_t)nc * sizeof *ns);
		if (!ns) {
			free(key);
			return NULL;
		}
		g->s = ns;
		g->cap = nc;
	}
	subject *s = &g->s[g->ns++];
	*s = (subject){key, is_iri, line, NULL, 0, 0};
	return s;
}

static int add_fact(subject *s, int kind, char *text, int line)
{
	if (s->nf == s->cap) {
		int nc = s->cap ? s->cap * 2 : 8;
		fact *nf = realloc(s->f, (size_t)nc * sizeof *nf);
		if (!nf)
			return -1;
		s->f = nf;
		s->cap = nc;
	}
	s->f[s->nf++] = (fact){kind, text, line};
	return 0;
}

#define MAX_FACTS (TAGAR_TV_MAX_TOTAL_ALIASES * 4L)

static void on_statement(void *ud, raptor_statement *st)
{
	gather *g = ud;
	int kind = predicate_kind(st->predicate), is_iri;
	if (kind == P_NONE || g->failed || g->error_seen || st->object->type != RAPTOR_TERM_TYPE_LITERAL)
		return;
	raptor_locator *loc = raptor_parser_get_locator(g->parser);
	int line = loc && loc->line > 0 ? loc->line : 0;
	if (++g->facts > MAX_FACTS) {
		g->error_seen = 1;
		tagar_fail(g->err, TAGAR_EFORMAT, "%s:%d: more than %ld SKOS labels", g->name, line, MAX_FACTS);
		return;
	}
	char *text = literal_text(st->object), *key = text ? subject_key(st->subject, &is_iri) : NULL;
	subject *s = key ? find_subject(g, key, is_iri, line) : NULL;
	if (!s || add_fact(s, kind, text, line)) {
		free(text);
		g->failed = 1;  /* out of memory */
	}
}

static void on_log(void *ud, raptor_log_message *m)
{
	gather *g = ud;
	if (m->level < RAPTOR_LOG_LEVEL_ERROR || g->error_seen)
		return;
	g->error_seen = 1;
	int line = m->locator && m->locator->line > 0 ? m->locator->line : 0;
	tagar_fail(g->err, TAGAR_EFORMAT, "%s:%d: Turtle: %s", g->name, line, m->text ? m->text : "syntax error");
}

/* "http://x/y#KPK" -> "KPK", "http://x/tag/ASN" -> "ASN". */
static const char *local_name(const char *iri)
{
	const char *h = strrchr(iri, '#'), *s = strrchr(iri, '/'), *p = h > s ? h : s;
	return p ? p + 1 : iri;
}

static const char *first_of(const subject *s, int kind)
{
	for (int i = 0; i < s->nf; i++)
		if (s->f[i].kind == kind)
			return s->f[i].text;
	return NULL;
}

/* One subject's entry: its labels as aliases, each text once. */
static int add_subject(tagar_tagvocab *v, const subject *s, tagar_err *err)
{
	const char *tag = first_of(s, P_NOTATION);
	if (!tag && s->is_iri)
		tag = local_name(s->key);
	const char **alias = malloc(((size_t)s->nf + 1) * sizeof *alias);
	int *line = malloc(((size_t)s->nf + 1) * sizeof *line), n = 0;
	if (!alias || !line) {
		free(alias);
		free(line);
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	for (int k = P_PREF; k <= P_HIDDEN; k++)
		for (int i = 0; i < s->nf; i++) {
			if (s->f[i].kind != k || !*s->f[i].text)
				continue;
			int seen = 0;
			for (int j = 0; j < n && !seen; j++)
				seen = strcmp(alias[j], s->f[i].text) == 0;
			if (!seen) {
				line[n] = s->f[i].line;
				alias[n++] = s->f[i].text;
			}
		}
	int rc = 0;
	if (tag && *tag && n)  /* a concept without a label has nothing to match */
		rc = tagar_tagvocab_add(v, tag, s->line, first_of(s, P_PREF), first_of(s, P_DEF), alias, line, n, err);
	free(alias);
	free(line);
	return rc;
}

static void gather_free(gather *g)
{
	for (int i = 0; i < g->ns; i++) {
		for (int k = 0; k < g->s[i].nf; k++)
			free(g->s[i].f[k].text);
		free(g->s[i].f);
		free(g->s[i].key);
	}
	free(g->s);
}

static int parse_turtle(gather *g, raptor_world *w, const char *buf, size_t n)
{
	raptor_uri *base = raptor_new_uri(w, (const unsigned char *)"file:///vocabulary.ttl");
	g->parser = base ? raptor_new_parser(w, "turtle") : NULL;
	int rc = -1;
	if (g->parser) {
		/* a vocabulary is data: nothing is fetched from the network or files */
		raptor_parser_set_option(g->parser, RAPTOR_OPTION_NO_NET, NULL, 1);
		raptor_parser_set_option(g->parser, RAPTOR_OPTION_NO_FILE, NULL, 1);
		raptor_parser_set_statement_handler(g->parser, g, on_statement);
		rc = raptor_parser_parse_start(g->parser, base);
		if (!rc)
			rc = raptor_parser_parse_chunk(g->parser, (const unsigned char *)buf, n, 1);
		raptor_free_parser(g->parser);
	}
	if (base)
		raptor_free_uri(base);
	return rc;
}

int tagar_tagvocab_parse_skos(const char *buf, size_t n, const char *name, tagar_tagvocab **out, tagar_err *err)
{
	gather g = {.name = name, .err = err};
	*out = NULL;
	raptor_world *w = raptor_new_world();
	if (!w || raptor_world_open(w)) {
		if (w)
			raptor_free_world(w);
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	raptor_world_set_log_handler(w, &g, on_log);
	int bad = parse_turtle(&g, w, buf, n), rc = 0;
	raptor_free_world(w);
	if (g.error_seen)
		rc = TAGAR_EFORMAT;
	else if (g.failed)
		rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	else if (bad)
		rc = tagar_fail(err, TAGAR_EFORMAT, "%s: not Turtle", name);
	tagar_tagvocab *v = rc ? NULL : tagar_tagvocab_new(name);
	if (!rc && !v)
		rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	for (int i = 0; !rc && i < g.ns; i++)
		rc = add_subject(v, &g.s[i], err);
	gather_free(&g);
	if (rc)
		tagar_tagvocab_free(&v);
	*out = v;
	return rc;
}
