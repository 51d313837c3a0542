/* record.c - what one tagged item keeps: the tags the rule chose with
 * their scores (for the archive's item_tags), and its JSON record, written
 * by the library (tagar_write_json) as tagar_tag_feed writes it, so a
 * retagged item's record has the same shape as a fetched one's. */
#define _GNU_SOURCE  /* open_memstream */
#include "feeds.h"

#include <stdlib.h>
#include <string.h>

int item_tags(tagar_classifier *cl, const tagar_tag_score *s, const tagar_choice *rule, tagged_item *ti)
{
	const tagar_model *m = tagar_classifier_model(cl);
	int T = tagar_model_ntags(m);
	int *picked = malloc((size_t)T * sizeof *picked + 1);
	if (!picked)
		return -1;
	int n = tagar_choose(s, T, rule, picked);
	ti->tags = calloc((size_t)n + 1, sizeof *ti->tags);
	ti->scores = malloc(((size_t)n + 1) * sizeof *ti->scores);
	int rc = ti->tags && ti->scores ? 0 : -1;
	for (int k = 0; !rc && k < n; k++, ti->ntags++) {
		ti->scores[k] = s[picked[k]].score;
		if (!(ti->tags[k] = strdup(tagar_model_tag(m, s[picked[k]].tag))))
			rc = -1;
	}
	free(picked);
	return rc;
}

char *item_record(tagar_classifier *cl, const tagar_tag_score *s, const tagar_json_opts *jo, const char *rid,
		  const char *link, const char *date, const char *feed_url)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return NULL;
	const char *const extra[] = {"link", link, "date", date, "feed", feed_url, NULL};
	const tagar_json_record jr = {.id = rid, .extra = extra};
	int rc = tagar_write_json(out, cl, s, &jr, jo);
	if (fclose(out) != 0 || rc) {
		free(buf);
		return NULL;
	}
	while (len && buf[len - 1] == '\n')
		buf[--len] = 0;
	return buf;
}
