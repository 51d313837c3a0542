/* fuzz_skos.c - libFuzzer harness for the SKOS Turtle vocabulary reader
 * (lib/skos.c, raptor2).  The input is a Turtle document (at most
 * MAX_INPUT bytes).  Checks that a vocabulary read from it writes back to
 * the tagar format, and that the tagar parser reads that text (as a model
 * stores it) to the same vocabulary. */
#include "vocab_roundtrip.h"

#define MAX_INPUT 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	tagar_tagvocab *v = NULL;
	tagar_err err = {0, ""};
	if (tagar_tagvocab_parse_skos((const char *)data, size, "fuzz.ttl", &v, &err))
		return 0;
	check_roundtrip(v);
	tagar_tagvocab_free(&v);
	return 0;
}
