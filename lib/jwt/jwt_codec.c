/*
 * lib/jwt/jwt_codec.c - the byte-level codecs of the jwt module.
 *
 * Owns strict base64url (JWS parts) and base64 (x5c) encoding and decoding,
 * the RS* algorithm table, and reading a certificate's CN and DER. Decoders
 * refuse rather than repair: any character outside the alphabet, padding
 * where none belongs, or non-zero unused bits fails. Does not own JWS
 * structure (jwt_verify.c) nor signing (jwt_sign.c).
 */
#include "jwt_int.h"

#include <string.h>

#include <openssl/asn1.h>
#include <openssl/x509.h>

/* One row per accepted algorithm (RFC 7518 §3.3, RSASSA-PKCS1-v1_5). */
static const struct {
    fse_jwt_alg alg;
    const char *name;
} alg_table[] = {
    {FSE_JWT_ALG_RS256, "RS256"},
    {FSE_JWT_ALG_RS384, "RS384"},
    {FSE_JWT_ALG_RS512, "RS512"},
};

#define N_ALGS (sizeof(alg_table) / sizeof(alg_table[0]))

const char *fse_jwt_alg_name(fse_jwt_alg alg)
{
    size_t i;

    for (i = 0; i < N_ALGS; i++) {
        if (alg_table[i].alg == alg) {
            return alg_table[i].name;
        }
    }
    return "";
}

fse_jwt_alg fse_jwt__alg_parse(const char *name, size_t name_len)
{
    size_t i;

    for (i = 0; i < N_ALGS; i++) {
        if (strlen(alg_table[i].name) == name_len &&
            memcmp(alg_table[i].name, name, name_len) == 0) {
            return alg_table[i].alg;
        }
    }
    return FSE_JWT_ALG_NONE;
}

const EVP_MD *fse_jwt__alg_md(fse_jwt_alg alg)
{
    switch (alg) {
    case FSE_JWT_ALG_RS256:
        return EVP_sha256();
    case FSE_JWT_ALG_RS384:
        return EVP_sha384();
    case FSE_JWT_ALG_RS512:
        return EVP_sha512();
    case FSE_JWT_ALG_NONE:
        break;
    }
    return NULL;
}

static const char b64url_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t fse_jwt__b64url_len(size_t n)
{
    return (n / 3) * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

/* Encode with the given alphabet; pad with '=' when pad is set. */
static void encode(char *out, const uint8_t *data, size_t n, const char *alphabet, bool pad)
{
    size_t i = 0;
    size_t o = 0;

    while (i + 3 <= n) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];

        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
        out[o++] = alphabet[v & 63];
        i += 3;
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;

        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        if (pad) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;

        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
        if (pad) {
            out[o++] = '=';
        }
    }
    out[o] = '\0';
}

void fse_jwt__b64url_encode(char *out, const uint8_t *data, size_t n)
{
    encode(out, data, n, b64url_chars, false);
}

void fse_jwt__b64_encode(char *out, const uint8_t *data, size_t n)
{
    encode(out, data, n, b64_chars, true);
}

/* Value of c in the alphabet, or -1. */
static int sextet(char c, bool url)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == (url ? '-' : '+')) {
        return 62;
    }
    if (c == (url ? '_' : '/')) {
        return 63;
    }
    return -1;
}

/* Decode len characters without padding. */
static bool decode(uint8_t *out, size_t *out_len, const char *in, size_t len, bool url)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    size_t i;

    if (len % 4 == 1) {
        return false;
    }
    for (i = 0; i < len; i++) {
        int v = sextet(in[i], url);

        if (v < 0) {
            return false;
        }
        acc = (acc << 6 | (uint32_t)v) & 0xffffffu;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits & 0xffu);
        }
    }
    /* RFC 4648 §3.5: the unused bits of the last character must be zero,
     * so that every byte string has exactly one encoding. */
    if (bits > 0 && (acc & ((1u << bits) - 1u)) != 0) {
        return false;
    }
    *out_len = o;
    return true;
}

bool fse_jwt__b64url_decode(uint8_t *out, size_t *out_len, const char *in, size_t len)
{
    return decode(out, out_len, in, len, true);
}

bool fse_jwt__b64_decode(uint8_t *out, size_t *out_len, const char *in, size_t len)
{
    size_t n_pad = 0;

    if (len == 0 || len % 4 != 0) {
        return false;
    }
    if (in[len - 1] == '=') {
        n_pad = in[len - 2] == '=' ? 2 : 1;
    }
    return decode(out, out_len, in, len - n_pad, false);
}

char *fse_jwt__cert_cn(const X509 *cert, bool *nomem_out)
{
    const X509_NAME *name = X509_get_subject_name(cert);
    const ASN1_STRING *data;
    unsigned char *utf8 = NULL;
    char *cn = NULL;
    int idx;
    int n;

    *nomem_out = false;
    idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, idx) >= 0) {
        goto done;
    }
    data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n <= 0) {
        goto done;
    }
    if (memchr(utf8, '\0', (size_t)n) != NULL) {
        goto done;
    }
    cn = fse_strndup((const char *)utf8, (size_t)n);
    if (cn == NULL) {
        *nomem_out = true;
    }
done:
    OPENSSL_free(utf8);
    return cn;
}

fse_err fse_jwt__cert_b64(char **out, const X509 *cert)
{
    unsigned char *der = NULL;
    char *b64 = NULL;
    fse_err rc = FSE_OK;
    int n;

    *out = NULL;
    n = i2d_X509(cert, &der);
    if (n <= 0) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_JWT_MODULE, "cannot encode the certificate");
        goto done;
    }
    b64 = fse_malloc(((size_t)n + 2) / 3 * 4 + 1);
    if (b64 == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
        goto done;
    }
    fse_jwt__b64_encode(b64, der, (size_t)n);
    *out = b64;
done:
    OPENSSL_free(der);
    return rc;
}
