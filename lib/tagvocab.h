/* tagvocab.h - a tag vocabulary: per tag a preferred label, a definition
 * and the names it goes by (aliases), read from the project's plain-text
 * format (data/README.md, "Tag vocabulary"):
 *
 *   # comment
 *   [Kemendagri]
 *   label = Kementerian Dalam Negeri
 *   definition = The Ministry of Home Affairs ...
 *   alias = Kemendagri
 *   alias = Kementerian Dalam Negeri
 *
 * Internal to libtagar (tagar-train reads the file; the model stores the
 * vocabulary in the same format, see lexicon.h).
 *
 * Ownership: tagar_tagvocab_parse() returns a vocabulary the caller owns
 * and releases with tagar_tagvocab_free(); every string in it is owned by
 * it.  Errors: TAGAR_EFORMAT with "NAME:LINE: message" in err, TAGAR_ENOMEM,
 * TAGAR_EIO (reading a file). */
#ifndef TAGAR_TAGVOCAB_H
#define TAGAR_TAGVOCAB_H

#include "internal.h"

/* Limits: a vocabulary beyond them is refused with a message. */
#define TAGAR_TV_MAX_TAGS 10000
#define TAGAR_TV_MAX_ALIASES 256        /* per tag */
#define TAGAR_TV_MAX_TOTAL_ALIASES 100000
#define TAGAR_TV_MAX_ALIAS_BYTES 200
#define TAGAR_TV_MAX_LABEL_BYTES 200
#define TAGAR_TV_MAX_DEF_BYTES 4000
#define TAGAR_TV_MAX_TAG_BYTES 200
#define TAGAR_TV_MAX_LINE 8192

typedef struct {
	char *tag;
	char *label;         /* "" when not given */
	char *definition;    /* "" when not given */
	char **alias;
	int *alias_line;     /* the line each alias was read from (0: made, not read) */
	int nalias;
	int line;            /* the line of its [TAG] header */
} tagar_tv_entry;

typedef struct {
	tagar_tv_entry *e;
	int n;
	int total;           /* aliases in all */
	char *name;          /* the file name, for messages */
} tagar_tagvocab;

/* Parses buf[0..n) (UTF-8, a BOM and CRLF line ends accepted); name is
 * used in messages ("NAME:LINE: ...").  Tags must be distinct, as must the
 * aliases of one tag. */
int tagar_tagvocab_parse(const char *buf, size_t n, const char *name, tagar_tagvocab **out, tagar_err *err);
/* Reads and parses a file. */
int tagar_tagvocab_read(const char *path, tagar_tagvocab **out, tagar_err *err);
void tagar_tagvocab_free(tagar_tagvocab **v);

/* The entry of tag, or NULL. */
const tagar_tv_entry *tagar_tagvocab_find(const tagar_tagvocab *v, const char *tag);

/* An empty vocabulary to add entries to (NULL when out of memory). */
tagar_tagvocab *tagar_tagvocab_new(const char *name);
/* Adds a tag with label, definition and aliases (copied), read from line
 * (0: made, not read); 0 or an error (a duplicate tag, a limit, out of
 * memory). */
int tagar_tagvocab_add(tagar_tagvocab *v, const char *tag, int line, const char *label, const char *definition,
		       const char *const *alias, const int *alias_line, int nalias, tagar_err *err);

/* Reads SKOS in Turtle (skos.c, with Debian's raptor2; tagar-train only):
 * each concept with a skos:notation, or else an IRI, is a tag named by its
 * notation or the IRI's local name (after the last '#' or '/'); its first
 * skos:prefLabel is the label, its first skos:definition the definition,
 * and every prefLabel, altLabel and hiddenLabel (any language, each text
 * once) an alias.  Errors name NAME:LINE.  No network or file access. */
int tagar_tagvocab_parse_skos(const char *buf, size_t n, const char *name, tagar_tagvocab **out, tagar_err *err);
/* Reads a vocabulary file: SKOS Turtle when its name ends in .ttl, else the
 * tagar format. */
int tagar_tagvocab_load(const char *path, tagar_tagvocab **out, tagar_err *err);

/* The vocabulary in the file format, tags in the order given; parsing it
 * gives the same vocabulary.  malloc'ed, NUL-terminated; NULL when out of
 * memory. */
char *tagar_tagvocab_dump(const tagar_tagvocab *v, size_t *len);

#endif
