/*
 * lib/gen/gen_rng.c - the generator's own PRNG: xoshiro256** seeded through
 * splitmix64, and FNV-1a for deriving seeds from names.
 *
 * Owns determinism: every random choice of lib/gen comes from here, so a seed
 * gives the same bytes on every platform. Not for cryptography.
 */
#include "gen_int.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void fse_gen__rng_seed(gen_rng *r, const uint64_t *words, size_t n_words)
{
    uint64_t x = 0x6A09E667F3BCC908ull;
    size_t i;

    for (i = 0; i < n_words; i++) {
        x ^= words[i];
        x = splitmix64(&x);
    }
    for (i = 0; i < 4; i++) {
        r->s[i] = splitmix64(&x);
    }
}

uint64_t fse_gen__rng_next(gen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t fse_gen__rng_below(gen_rng *r, uint32_t n)
{
    /* Lemire's multiply-shift with rejection: no modulo bias. */
    uint64_t m = (fse_gen__rng_next(r) >> 32) * n;
    uint32_t low = (uint32_t)m;

    if (n == 0) {
        return 0;
    }
    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;

        while (low < threshold) {
            m = (fse_gen__rng_next(r) >> 32) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

int fse_gen__rng_range(gen_rng *r, int lo, int hi)
{
    if (hi <= lo) {
        return lo;
    }
    return lo + (int)fse_gen__rng_below(r, (uint32_t)(hi - lo + 1));
}

bool fse_gen__rng_chance(gen_rng *r, unsigned percent)
{
    return fse_gen__rng_below(r, 100) < percent;
}

uint64_t fse_gen__hash(const char *s)
{
    uint64_t h = 0xCBF29CE484222325ull;

    while (*s != '\0') {
        h ^= (unsigned char)*s++;
        h *= 0x100000001B3ull;
    }
    return h;
}
