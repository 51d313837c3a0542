/* xxh3avx2.c - XXH3-64 compiled for AVX2: this file alone is built with
 * -mavx2 on x86-64 (see the Makefile), and cpu.c calls it only on a CPU
 * that has AVX2.  libxxhash's own XXH3_64bits is built for the x86-64
 * baseline (SSE2): checking the 1.2 MB default model took 85 us with it
 * and 35 us with this, the same function and the same hash.  (libxxhash's
 * XXH3_64bits_dispatch would pick AVX2 too, but asks the CPU with CPUID,
 * which costs more than it saves here; see cpu.c.) */
#include <stddef.h>
#include <stdint.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

uint64_t tagar_xxh3_avx2(const void *p, size_t n);

uint64_t tagar_xxh3_avx2(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}
