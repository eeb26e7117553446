/*
 * lib/store/store_crypto.c - the cryptographic primitives of the store on
 * OpenSSL 3 libcrypto: AES-256-GCM sealing, HMAC-SHA256, SHA-1/SHA-256
 * digests, randomness, master key files and associated-data building.
 *
 * Owns the sealed-value format (version byte, 12-byte random nonce,
 * ciphertext, 16-byte tag; the version byte is authenticated) and the key
 * file format and permission rule. Does not own which key seals what, or
 * the associated data of each kind of value (store_keys.c, store_doc.c,
 * store_queue.c, store_outbox.c).
 */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/* Largest key file read: 64 hex digits plus generous whitespace. */
#define KEYFILE_MAX_BYTES 256

void fse_store__wipe(void *p, size_t n)
{
    if (p != NULL && n > 0) {
        OPENSSL_cleanse(p, n);
    }
}

bool fse_store__ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

fse_err fse_store__random(uint8_t *out, size_t len)
{
    if (len > INT32_MAX || RAND_bytes(out, (int)len) != 1) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "no random bytes available");
    }
    return FSE_OK;
}

fse_err fse_store__hmac(uint8_t out[32], const uint8_t *key, size_t key_len, const uint8_t *data,
                        size_t len)
{
    unsigned int out_len = 0;

    if (key_len > INT32_MAX ||
        HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &out_len) == NULL || out_len != 32) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "HMAC-SHA256 failed");
    }
    return FSE_OK;
}

static fse_err digest_hex(char *out, const EVP_MD *md, size_t md_len, const uint8_t *data,
                          size_t len)
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (EVP_Digest(data, len, digest, &n, md, NULL) != 1 || n != md_len) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "digest failed");
    }
    fse_hex_encode(out, digest, n);
    return FSE_OK;
}

fse_err fse_store__sha1_hex(char out[41], const uint8_t *data, size_t len)
{
    return digest_hex(out, EVP_sha1(), 20, data, len);
}

fse_err fse_store__sha256_hex(char out[65], const uint8_t *data, size_t len)
{
    return digest_hex(out, EVP_sha256(), 32, data, len);
}

/* Run one GCM operation; enc selects the direction. in/out may not overlap. */
static fse_err gcm(uint8_t *out, const uint8_t key[STORE_KEY_LEN], const uint8_t *nonce,
                   const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t in_len,
                   uint8_t *tag, int enc)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    fse_err rc = FSE_E_CRYPTO;
    int n = 0;
    size_t done = 0;

    if (ctx == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "cipher context");
    }
    if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)STORE_NONCE_LEN, NULL) != 1 ||
        EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1) {
        goto done;
    }
    if (aad_len > 0 &&
        (aad_len > INT32_MAX || EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1)) {
        goto done;
    }
    /* Feed the data in chunks that fit an int. */
    while (done < in_len) {
        size_t chunk = in_len - done;

        if (chunk > (1u << 30)) {
            chunk = 1u << 30;
        }
        if (EVP_CipherUpdate(ctx, out + done, &n, in + done, (int)chunk) != 1) {
            goto done;
        }
        done += (size_t)n;
    }
    if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, (int)STORE_TAG_LEN, tag) != 1) {
        goto done;
    }
    if (EVP_CipherFinal_ex(ctx, out + done, &n) != 1) {
        goto done;
    }
    if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, (int)STORE_TAG_LEN, tag) != 1) {
        goto done;
    }
    rc = FSE_OK;
done:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

fse_err fse_store__aead_seal(uint8_t **out, size_t *out_len, const uint8_t key[STORE_KEY_LEN],
                             const uint8_t *aad, size_t aad_len, const uint8_t *pt, size_t pt_len)
{
    uint8_t *buf = NULL;
    uint8_t *full_aad = NULL;
    size_t total = 0;
    fse_err rc = FSE_OK;

    *out = NULL;
    *out_len = 0;
    if (__builtin_add_overflow(pt_len, (size_t)STORE_SEAL_OVERHEAD, &total)) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "value too large to seal");
    }
    buf = fse_malloc(total);
    full_aad = fse_malloc(aad_len + 1);
    if (buf == NULL || full_aad == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "sealing %zu bytes", pt_len);
        goto done;
    }
    /* The version byte is part of the associated data. */
    full_aad[0] = STORE_SEAL_V1;
    if (aad_len > 0) {
        memcpy(full_aad + 1, aad, aad_len);
    }
    buf[0] = STORE_SEAL_V1;
    rc = fse_store__random(buf + 1, STORE_NONCE_LEN);
    if (rc != FSE_OK) {
        goto done;
    }
    rc = gcm(buf + 1 + STORE_NONCE_LEN, key, buf + 1, full_aad, aad_len + 1, pt, pt_len,
             buf + 1 + STORE_NONCE_LEN + pt_len, 1);
    if (rc != FSE_OK) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "AES-256-GCM encryption failed");
        goto done;
    }
    *out = buf;
    *out_len = total;
    buf = NULL;
done:
    fse_free(buf);
    fse_free(full_aad);
    return rc;
}

fse_err fse_store__aead_open(uint8_t **out, size_t *out_len, const uint8_t key[STORE_KEY_LEN],
                             const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t ct_len)
{
    uint8_t *buf = NULL;
    uint8_t *full_aad = NULL;
    uint8_t tag[STORE_TAG_LEN];
    size_t pt_len = 0;
    fse_err rc = FSE_OK;

    *out = NULL;
    *out_len = 0;
    if (ct == NULL || ct_len < STORE_SEAL_OVERHEAD || ct[0] != STORE_SEAL_V1) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "sealed value malformed (%zu bytes)",
                             ct_len);
    }
    pt_len = ct_len - STORE_SEAL_OVERHEAD;
    buf = fse_malloc(pt_len + 1);
    full_aad = fse_malloc(aad_len + 1);
    if (buf == NULL || full_aad == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "opening %zu bytes", ct_len);
        goto done;
    }
    full_aad[0] = STORE_SEAL_V1;
    if (aad_len > 0) {
        memcpy(full_aad + 1, aad, aad_len);
    }
    memcpy(tag, ct + ct_len - STORE_TAG_LEN, STORE_TAG_LEN);
    rc = gcm(buf, key, ct + 1, full_aad, aad_len + 1, ct + 1 + STORE_NONCE_LEN, pt_len, tag, 0);
    if (rc != FSE_OK) {
        fse_store__wipe(buf, pt_len);
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                           "integrity check failed: data changed, moved or wrong key");
        goto done;
    }
    buf[pt_len] = 0;
    *out = buf;
    *out_len = pt_len;
    buf = NULL;
done:
    fse_free(buf);
    fse_free(full_aad);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Associated data                                                          */
/* ------------------------------------------------------------------------ */

static void aad_part(store_aad *a, const void *p, size_t n)
{
    uint8_t len[4];

    if (a->overflow || n > sizeof(a->data) || a->len + 4 + n > sizeof(a->data)) {
        a->overflow = true;
        return;
    }
    len[0] = (uint8_t)(n >> 24);
    len[1] = (uint8_t)(n >> 16);
    len[2] = (uint8_t)(n >> 8);
    len[3] = (uint8_t)n;
    memcpy(a->data + a->len, len, 4);
    if (n > 0) {
        memcpy(a->data + a->len + 4, p, n);
    }
    a->len += 4 + n;
}

void fse_store__aad_init(store_aad *a, const char *domain)
{
    a->len = 0;
    a->overflow = false;
    aad_part(a, domain, strlen(domain));
}

void fse_store__aad_str(store_aad *a, const char *s)
{
    if (s == NULL) {
        /* Absent differs from empty: a length no string can have. */
        aad_part(a, "\xff", 1);
        return;
    }
    aad_part(a, s, strlen(s));
}

void fse_store__aad_i64(store_aad *a, int64_t v)
{
    uint8_t b[8];
    uint64_t u = (uint64_t)v;
    int i;

    for (i = 7; i >= 0; i--) {
        b[i] = (uint8_t)u;
        u >>= 8;
    }
    aad_part(a, b, sizeof(b));
}

/* ------------------------------------------------------------------------ */
/* Key files                                                                */
/* ------------------------------------------------------------------------ */

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Decode the key file content into key: raw 32 bytes or 64 hex digits. */
static bool parse_key(uint8_t key[STORE_KEY_LEN], const uint8_t *buf, size_t n)
{
    size_t i;

    if (n == STORE_KEY_LEN) {
        memcpy(key, buf, STORE_KEY_LEN);
        return true;
    }
    while (n > 0 && is_space(buf[n - 1])) {
        n--;
    }
    if (n != 2 * STORE_KEY_LEN) {
        return false;
    }
    for (i = 0; i < STORE_KEY_LEN; i++) {
        int hi = hex_value(buf[2 * i]);
        int lo = hex_value(buf[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            return false;
        }
        key[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

fse_err fse_store__keyfile_read(uint8_t key[STORE_KEY_LEN], const char *path)
{
    uint8_t buf[KEYFILE_MAX_BYTES + 1];
    size_t n = 0;
    struct stat st;
    fse_err rc = FSE_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "master key file %s: %s", path,
                             strerror(errno));
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                           "master key file %s is not a regular file", path);
        goto done;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                           "master key file %s is accessible by group or others (mode %04o); "
                           "chmod 600 it",
                           path, (unsigned)(st.st_mode & 07777));
        goto done;
    }
    while (n < sizeof(buf)) {
        ssize_t r = read(fd, buf + n, sizeof(buf) - n);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "master key file %s: %s", path,
                               strerror(errno));
            goto done;
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
    }
    if (n > KEYFILE_MAX_BYTES || !parse_key(key, buf, n)) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                           "master key file %s must hold 32 raw bytes or 64 hex digits", path);
        goto done;
    }
done:
    fse_store__wipe(buf, sizeof(buf));
    close(fd);
    return rc;
}

/* fsync the directory holding path, so a new file's name is durable. */
static void sync_parent_dir(const char *path)
{
    char *copy = fse_strdup(path);
    int fd;

    if (copy == NULL) {
        return;
    }
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    fse_free(copy);
}

fse_err fse_store_keyfile_create(const char *path)
{
    uint8_t key[STORE_KEY_LEN];
    char hex[2 * STORE_KEY_LEN + 2];
    size_t off = 0;
    fse_err rc = FSE_OK;
    int fd = -1;

    if (path == NULL || path[0] == '\0') {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "key file path missing");
    }
    rc = fse_store__random(key, sizeof(key));
    if (rc != FSE_OK) {
        return rc;
    }
    fse_hex_encode(hex, key, sizeof(key));
    hex[2 * STORE_KEY_LEN] = '\n';
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        rc = fse_error_set(errno == EEXIST ? FSE_E_CONFLICT : FSE_E_IO, FSE_STORE_MODULE,
                           "creating key file %s: %s", path, strerror(errno));
        goto done;
    }
    while (off < 2 * STORE_KEY_LEN + 1) {
        ssize_t w = write(fd, hex + off, 2 * STORE_KEY_LEN + 1 - off);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            rc = fse_error_set(FSE_E_IO, FSE_STORE_MODULE, "writing key file %s: %s", path,
                               strerror(errno));
            goto done;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        rc = fse_error_set(FSE_E_IO, FSE_STORE_MODULE, "fsync key file %s: %s", path,
                           strerror(errno));
        goto done;
    }
done:
    if (fd >= 0) {
        close(fd);
        if (rc != FSE_OK) {
            unlink(path);
        } else {
            sync_parent_dir(path);
        }
    }
    fse_store__wipe(key, sizeof(key));
    fse_store__wipe(hex, sizeof(hex));
    return rc;
}
