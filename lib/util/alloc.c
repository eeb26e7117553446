/*
 * lib/util/alloc.c - the library's one allocator and its fault injection.
 *
 * Owns fse_malloc/fse_free and the test hook that fails the Nth allocation.
 * CACHE-free: the only global is the fault counter, documented as a test hook.
 */
#include "fse/util.h"

#include <stdlib.h>
#include <string.h>

/* Test hook (fse_alloc_fail_at): allocations left before one fails; 0 = off. */
static unsigned long fail_countdown;

static bool injected_failure(void)
{
    if (fail_countdown == 0) {
        return false;
    }
    fail_countdown--;
    return fail_countdown == 0;
}

void fse_alloc_fail_at(unsigned long nth)
{
    fail_countdown = nth;
}

void *fse_malloc(size_t n)
{
    if (injected_failure()) {
        return NULL;
    }
    return malloc(n == 0 ? 1 : n);
}

void *fse_calloc(size_t count, size_t size)
{
    if (injected_failure()) {
        return NULL;
    }
    return calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
}

void *fse_realloc(void *p, size_t n)
{
    if (injected_failure()) {
        return NULL;
    }
    return realloc(p, n == 0 ? 1 : n);
}

void fse_free(void *p)
{
    free(p);
}

char *fse_strndup(const char *s, size_t n)
{
    char *copy = fse_malloc(n + 1);

    if (copy == NULL) {
        return NULL;
    }
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *fse_strdup(const char *s)
{
    return fse_strndup(s, strlen(s));
}
