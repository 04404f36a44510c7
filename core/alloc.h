/* alloc.h: checked allocation. These never return NULL: running out of memory aborts with
 * the size asked for (a training run that cannot allocate has no sensible way to go on).
 * Memory from mem_alloc/mem_calloc/mem_realloc/mem_strdup is released with mem_free;
 * memory from mem_alloc_aligned with mem_free as well (it uses posix_memalign). */
#ifndef CORE_ALLOC_H
#define CORE_ALLOC_H

#include <stddef.h>

void *mem_alloc(size_t size);
void *mem_calloc(size_t count, size_t size);
void *mem_realloc(void *ptr, size_t size);
/* Aligned to `align` bytes (a power of two, >= sizeof(void *)); zeroed. */
void *mem_alloc_aligned(size_t align, size_t size);
char *mem_strdup(const char *s);
void mem_free(void *ptr);

/* Allocate an array of n elements of type T. */
#define MEM_NEW_ARRAY(T, n) ((T *)mem_calloc((n), sizeof(T)))

#endif
