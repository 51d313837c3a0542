/* cpu.c - which vector instructions this CPU runs, and the model checksum
 * that uses them.
 *
 * AVX2 is asked of what the C library found when the process started
 * (glibc's <sys/platform/x86.h>), never of the CPU itself: each CPUID
 * instruction traps to the hypervisor in a virtual machine (12 us each
 * on the machine the benchmarks run on), and GCC's own probe, run at
 * start-up by any function built with target_clones or a call of
 * __builtin_cpu_supports, executes a dozen of them: 0.15 ms of a 2 ms
 * one-article run.  Nothing in the library may use either. */
#include "internal.h"

#if defined(__x86_64__) && defined(__GLIBC__) && defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define HAVE_CPU_FEATURES 1
#endif
#endif

/* inlined, as everywhere in the library: no program loads libxxhash */
#define XXH_INLINE_ALL
#include <xxhash.h>

int tagar_cpu_avx2(void)
{
#ifdef HAVE_CPU_FEATURES
	return CPU_FEATURE_ACTIVE(AVX2) != 0;
#else
	return 0;
#endif
}

/* Built with AVX2 in its own file (xxh3avx2.c, see the Makefile). */
uint64_t tagar_xxh3_avx2(const void *p, size_t n);

uint64_t tagar_checksum(const void *p, size_t n)
{
	return tagar_cpu_avx2() ? tagar_xxh3_avx2(p, n) : XXH3_64bits(p, n);
}
