/*
 * lib/util/pool.c - the lending pool of include/fse/pool.h: busy flags
 * under one mutex, a condition variable for threads waiting for an item.
 */
#include "fse/pool.h"

#include <string.h>

#include "fse/util.h"

fse_err fse_pool_init(fse_pool *p, size_t n)
{
    memset(p, 0, sizeof(*p));
    if (n == 0) {
        return fse_error_set(FSE_E_ARG, "util", "pool of no items");
    }
    p->busy = fse_calloc(n, sizeof(*p->busy));
    if (p->busy == NULL) {
        return fse_error_set(FSE_E_NOMEM, "util", "pool flags");
    }
    p->n = n;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->initialised = true;
    return FSE_OK;
}

size_t fse_pool_acquire(fse_pool *p)
{
    size_t i = 0;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        for (i = 0; i < p->n && p->busy[i]; i++) {
        }
        if (i < p->n) {
            break;
        }
        pthread_cond_wait(&p->freed, &p->lock);
    }
    p->busy[i] = true;
    pthread_mutex_unlock(&p->lock);
    return i;
}

void fse_pool_release(fse_pool *p, size_t i)
{
    pthread_mutex_lock(&p->lock);
    p->busy[i] = false;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

void fse_pool_destroy(fse_pool *p)
{
    if (p == NULL || !p->initialised) {
        return;
    }
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->lock);
    fse_free(p->busy);
    memset(p, 0, sizeof(*p));
}
