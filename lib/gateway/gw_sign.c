/*
 * lib/gateway/gw_sign.c - the PAdES signature check of publications
 * (gateway-api §6: "For publication the PDF must carry a PAdES signature").
 *
 * Owns a careful byte scan for signature dictionaries and the check of each
 * one: /ByteRange [0 b c d] must split the file into the two signed ranges
 * [0, b) and [c, c + d) around exactly the hex string /Contents <...>, the
 * second range must end at the end of the file (nothing appended after the
 * signature), and the CMS SignedData in /Contents must verify over the two
 * ranges with the signer certificate it carries (OpenSSL CMS, detached).
 * What it does not verify (docs/gateway.md): the signer certificate's chain,
 * qualification and revocation, signing time, the PAdES signed attributes
 * (signing-certificate-v2), that the dictionary hangs from an AcroForm
 * signature field, and DocMDP permissions. A dictionary inside a compressed
 * object stream is not seen (PAdES writers never put one there, since
 * /Contents must be patched in place).
 */
#include "gateway_int.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>

/* Largest /Contents accepted (hex digits): real CAdES signatures with
 * timestamps and revocation data stay well under 64 KiB of DER. */
#define SIGN_MAX_CONTENTS_HEX (512u * 1024u)

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

/* Parse a non-negative decimal at *pos (after blanks); false otherwise. */
static bool parse_uint(const uint8_t *p, size_t len, size_t *pos, size_t *out)
{
    size_t i = *pos;
    size_t v = 0;
    size_t digits = 0;

    while (i < len && is_space(p[i])) {
        i++;
    }
    while (i < len && p[i] >= '0' && p[i] <= '9' && digits < 12) {
        v = v * 10u + (size_t)(p[i] - '0');
        digits++;
        i++;
    }
    if (digits == 0 || digits == 12) {
        return false;
    }
    *pos = i;
    *out = v;
    return true;
}

/* The four numbers of "/ByteRange [a b c d]" starting after the name. */
static bool parse_range(const uint8_t *p, size_t len, size_t pos, size_t r[4])
{
    size_t i;

    while (pos < len && is_space(p[pos])) {
        pos++;
    }
    if (pos >= len || p[pos] != '[') {
        return false;
    }
    pos++;
    for (i = 0; i < 4; i++) {
        if (!parse_uint(p, len, &pos, &r[i])) {
            return false;
        }
    }
    while (pos < len && is_space(p[pos])) {
        pos++;
    }
    return pos < len && p[pos] == ']';
}

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

/* Verify the CMS in hex[0..n) over the two ranges. */
static gw_sign_result verify_cms(const uint8_t *pdf, const size_t r[4], const uint8_t *hex,
                                 size_t n, char *why, size_t why_len)
{
    gw_sign_result res = GW_SIGN_INVALID;
    uint8_t *der = NULL;
    const uint8_t *p;
    CMS_ContentInfo *cms = NULL;
    X509_STORE *store = NULL;
    BIO *content = NULL;
    size_t i;

    der = fse_malloc(n / 2 + 1);
    if (der == NULL) {
        snprintf(why, why_len, "out of memory");
        return GW_SIGN_INVALID;
    }
    for (i = 0; i + 1 < n; i += 2) {
        der[i / 2] = (uint8_t)(hex_value(hex[i]) * 16 + hex_value(hex[i + 1]));
    }
    p = der;
    /* The DER length decides where the signature ends: the zero padding of
     * the reserved space is ignored. */
    cms = d2i_CMS_ContentInfo(NULL, &p, (long)(n / 2));
    content = BIO_new(BIO_s_mem());
    store = X509_STORE_new();
    if (cms == NULL) {
        snprintf(why, why_len, "/Contents is not a CMS SignedData");
    } else if (content == NULL || store == NULL ||
               BIO_write(content, pdf + r[0], (int)r[1]) != (int)r[1] ||
               BIO_write(content, pdf + r[2], (int)r[3]) != (int)r[3]) {
        snprintf(why, why_len, "out of memory");
    } else if (CMS_verify(cms, NULL, store, content, NULL,
                          CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
        snprintf(why, why_len, "the signature does not verify over the signed ranges");
    } else {
        res = GW_SIGN_OK;
    }
    ERR_clear_error();
    BIO_free(content);
    X509_STORE_free(store);
    CMS_ContentInfo_free(cms);
    fse_free(der);
    return res;
}

/* Check one /ByteRange found at name_end. */
static gw_sign_result check_one(const uint8_t *pdf, size_t len, size_t name_end, char *why,
                                size_t why_len)
{
    size_t r[4];
    size_t i;

    if (!parse_range(pdf, len, name_end, r)) {
        snprintf(why, why_len, "malformed /ByteRange");
        return GW_SIGN_INVALID;
    }
    /* [0, b) and [c, c + d) with the gap holding exactly "<hex>". */
    if (r[0] != 0 || r[1] < 1 || r[2] <= r[1] + 1 || r[2] > len || r[3] > len - r[2]) {
        snprintf(why, why_len, "/ByteRange does not describe the file");
        return GW_SIGN_INVALID;
    }
    if (r[2] + r[3] != len) {
        snprintf(why, why_len, "bytes after the signed ranges are not signed");
        return GW_SIGN_INVALID;
    }
    if (pdf[r[1]] != '<' || pdf[r[2] - 1] != '>') {
        snprintf(why, why_len, "the unsigned gap is not the /Contents string");
        return GW_SIGN_INVALID;
    }
    if (r[2] - r[1] - 2 > SIGN_MAX_CONTENTS_HEX || (r[2] - r[1] - 2) % 2 != 0) {
        snprintf(why, why_len, "/Contents has an impossible size");
        return GW_SIGN_INVALID;
    }
    for (i = r[1] + 1; i < r[2] - 1; i++) {
        if (hex_value(pdf[i]) < 0) {
            snprintf(why, why_len, "/Contents is not a hex string");
            return GW_SIGN_INVALID;
        }
    }
    return verify_cms(pdf, r, pdf + r[1] + 1, r[2] - r[1] - 2, why, why_len);
}

/* First occurrence of needle in hay[0..len), or NULL. */
static const uint8_t *find(const uint8_t *hay, size_t len, const char *needle, size_t n)
{
    const uint8_t *end = hay + len;

    while ((size_t)(end - hay) >= n) {
        const uint8_t *c = memchr(hay, needle[0], (size_t)(end - hay) - n + 1);

        if (c == NULL) {
            return NULL;
        }
        if (memcmp(c, needle, n) == 0) {
            return c;
        }
        hay = c + 1;
    }
    return NULL;
}

gw_sign_result fse_gateway__sign_check(const uint8_t *pdf, size_t len, char *why, size_t why_len)
{
    static const char name[] = "/ByteRange";
    gw_sign_result best = GW_SIGN_NONE;
    const uint8_t *p = pdf;
    size_t left = len;

    snprintf(why, why_len, "no signature dictionary");
    while (left >= sizeof(name) - 1) {
        const uint8_t *hit = find(p, left, name, sizeof(name) - 1);
        size_t at;
        gw_sign_result res;

        if (hit == NULL) {
            break;
        }
        at = (size_t)(hit - pdf) + sizeof(name) - 1;
        res = check_one(pdf, len, at, why, why_len);
        if (res == GW_SIGN_OK) {
            return GW_SIGN_OK;
        }
        best = GW_SIGN_INVALID;
        p = pdf + at;
        left = len - at;
    }
    return best;
}
