/*
 * include/fse/pool.h - a pool of n interchangeable per-thread resources
 * (validators, parsers, store handles) lent to one thread at a time.
 *
 * Owns only which items are lent: the caller keeps the items themselves in
 * an array of n and uses the index the pool hands out. A mutex guards the
 * busy flags, never the items; a thread finding none free waits until one
 * is given back.
 */
#ifndef FSE_POOL_H
#define FSE_POOL_H

#include <pthread.h>

#include "fse/common.h"
#include "fse/error.h"

typedef struct fse_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed; /* an item was given back */
    bool *busy;           /* n flags */
    size_t n;
    bool initialised;
} fse_pool;

/* n items, all free. @return FSE_OK, FSE_E_ARG (n is 0), FSE_E_NOMEM. */
FSE_API fse_err fse_pool_init(fse_pool *p, size_t n);

/* Borrow a free item (waits until one is free); its index, < n. */
FSE_API size_t fse_pool_acquire(fse_pool *p);

/* Give item i back. */
FSE_API void fse_pool_release(fse_pool *p, size_t i);

/* Free the flags. A zeroed or never initialised pool is a no-op. */
FSE_API void fse_pool_destroy(fse_pool *p);

#endif /* FSE_POOL_H */
