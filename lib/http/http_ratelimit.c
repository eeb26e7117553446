/*
 * lib/http/http_ratelimit.c - per-client token buckets (429 with Retry-After).
 *
 * Owns the bucket table: FSE_HTTP_RATE_SLOTS fixed slots, keyed by client
 * address (IPv4, or the /64 of an IPv6 address, since one host commonly owns
 * a whole /64), placed by a seeded hash with a short probe. A bucket holds up
 * to N tokens and refills N per window; each request takes one. When the
 * probe finds no free slot, the least recently seen bucket is reused, so a
 * flood of addresses cannot grow memory (an evicted client starts again
 * with a full bucket). One mutex guards the table.
 * CACHE: client buckets, lock http_rate.lock, bound FSE_HTTP_RATE_SLOTS.
 */
#include "http_int.h"

#include <string.h>
#include <sys/random.h>

typedef struct rate_slot {
    uint8_t key[16];
    bool used;
    double tokens;
    uint64_t last_us;
} rate_slot;

struct http_rate {
    pthread_mutex_t lock;
    rate_slot *slots;
    double capacity; /* N */
    double per_us;   /* tokens added per microsecond: N / window */
    uint64_t seed;
};

fse_err fse_http__rate_new(http_rate **out, unsigned requests, unsigned window_s)
{
    http_rate *r = fse_calloc(1, sizeof *r);

    *out = NULL;
    if (r == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "rate limiter");
    }
    r->slots = fse_calloc(FSE_HTTP_RATE_SLOTS, sizeof *r->slots);
    if (r->slots == NULL) {
        fse_free(r);
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "rate limiter table");
    }
    if (getrandom(&r->seed, sizeof r->seed, 0) != (ssize_t)sizeof r->seed) {
        r->seed = fse_http__now_us() * 0x9e3779b97f4a7c15u;
    }
    r->capacity = (double)requests;
    r->per_us = (double)requests / ((double)window_s * 1e6);
    pthread_mutex_init(&r->lock, NULL);
    *out = r;
    return FSE_OK;
}

void fse_http__rate_free(http_rate *rate)
{
    if (rate == NULL) {
        return;
    }
    pthread_mutex_destroy(&rate->lock);
    fse_free(rate->slots);
    fse_free(rate);
}

/* The bucket key: IPv4 as a v4-mapped IPv6 address, IPv6 by its /64. */
static void make_key(uint8_t key[16], const struct sockaddr_storage *addr)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    memset(key, 0, 16);
    if (addr->ss_family == AF_INET) {
        const struct sockaddr_in *a4 = (const struct sockaddr_in *)(const void *)addr;

        memcpy(key, mapped, sizeof mapped);
        memcpy(key + 12, &a4->sin_addr, 4);
    } else if (addr->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)(const void *)addr;

        memcpy(key, &a6->sin6_addr, 16);
        if (memcmp(key, mapped, sizeof mapped) != 0) {
            memset(key + 8, 0, 8);
        }
    }
}

static size_t slot_of(const http_rate *r, const uint8_t key[16])
{
    uint64_t h = 0xcbf29ce484222325u ^ r->seed;
    size_t i;

    for (i = 0; i < 16; i++) {
        h ^= key[i];
        h *= 0x100000001b3u;
    }
    return (size_t)(h % FSE_HTTP_RATE_SLOTS);
}

static rate_slot *find_slot(http_rate *r, const uint8_t key[16], uint64_t now_us)
{
    size_t start = slot_of(r, key);
    rate_slot *victim = NULL;
    size_t k;

    for (k = 0; k < FSE_HTTP_RATE_PROBE; k++) {
        rate_slot *s = &r->slots[(start + k) % FSE_HTTP_RATE_SLOTS];

        if (s->used && memcmp(s->key, key, 16) == 0) {
            return s;
        }
        if (!s->used) {
            if (victim == NULL || victim->used) {
                victim = s;
            }
        } else if (victim == NULL || (victim->used && s->last_us < victim->last_us)) {
            victim = s;
        }
    }
    memcpy(victim->key, key, 16);
    victim->used = true;
    victim->tokens = r->capacity;
    victim->last_us = now_us;
    return victim;
}

bool fse_http__rate_take(http_rate *rate, const struct sockaddr_storage *addr, uint64_t now_us,
                         unsigned *retry_after_s)
{
    uint8_t key[16];
    rate_slot *s;
    bool allowed;

    make_key(key, addr);
    pthread_mutex_lock(&rate->lock);
    s = find_slot(rate, key, now_us);
    if (now_us > s->last_us) {
        s->tokens += (double)(now_us - s->last_us) * rate->per_us;
        if (s->tokens > rate->capacity) {
            s->tokens = rate->capacity;
        }
        s->last_us = now_us;
    }
    allowed = s->tokens >= 1.0;
    if (allowed) {
        s->tokens -= 1.0;
        *retry_after_s = 0;
    } else {
        double wait_s = (1.0 - s->tokens) / rate->per_us / 1e6;

        *retry_after_s = wait_s < 1.0 ? 1u : (unsigned)(wait_s + 0.999999);
    }
    pthread_mutex_unlock(&rate->lock);
    return allowed;
}
