/* page.c - the page GET / serves (serve/page.html), embedded in the
 * program by the assembler's .incbin when this file is compiled from the
 * top of the source tree (the Makefile makes this object depend on the
 * page), so the program carries it and fetches nothing at run time. */
#include "http.h"

__asm__(".section .rodata\n"
	".global srv_page\n"
	".type srv_page, @object\n"
	"srv_page:\n"
	".incbin \"serve/page.html\"\n"
	"srv_page_end:\n"
	".byte 0\n"
	".balign 8\n"
	".global srv_page_len\n"
	".type srv_page_len, @object\n"
	"srv_page_len:\n"
	".quad srv_page_end - srv_page\n"
	".previous\n");
