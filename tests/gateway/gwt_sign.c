/*
 * tests/gateway/gwt_sign.c - signed PDFs for the PAdES tests: an incremental
 * update appended to a generated PDF holding a signature dictionary
 * (/Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached) whose /ByteRange
 * covers the whole file but /Contents, and whose /Contents is a detached
 * CMS SignedData (SHA-256, RSA) made with OpenSSL by the test signer, as a
 * PAdES writer lays it out. The original xref and trailer are kept (/Prev).
 */
#include "gwt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fse/util.h"

/* Bytes reserved for the DER signature (hex doubles it). */
#define SIG_RESERVED 8192u

/* Last occurrence of needle in data[0..len). */
static const char *last_of(const char *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    size_t i;

    for (i = len >= n ? len - n + 1 : 0; i-- > 0;) {
        if (memcmp(data + i, needle, n) == 0) {
            return data + i;
        }
    }
    return NULL;
}

/* The classic trailer of the original: /Size, /Root and startxref. */
static int read_trailer(const char *pdf, size_t len, long *size, char root[32], long *prev)
{
    const char *tr = last_of(pdf, len, "trailer");
    const char *sx = last_of(pdf, len, "startxref");
    const char *p;
    long a;
    long b;

    if (tr == NULL || sx == NULL) {
        return -1;
    }
    p = strstr(tr, "/Size");
    if (p == NULL || sscanf(p, "/Size %ld", size) != 1) {
        return -1;
    }
    p = strstr(tr, "/Root");
    if (p == NULL || sscanf(p, "/Root %ld %ld R", &a, &b) != 2) {
        return -1;
    }
    snprintf(root, 32, "%ld %ld R", a, b);
    return sscanf(sx, "startxref %ld", prev) == 1 ? 0 : -1;
}

static int cms_sign(uint8_t **der, int *der_len, const uint8_t *data1, size_t len1,
                    const uint8_t *data2, size_t len2, const char *cert_path, const char *key_path)
{
    FILE *fc = fopen(cert_path, "r");
    FILE *fk = fopen(key_path, "r");
    X509 *cert = fc != NULL ? PEM_read_X509(fc, NULL, NULL, NULL) : NULL;
    EVP_PKEY *key = fk != NULL ? PEM_read_PrivateKey(fk, NULL, NULL, NULL) : NULL;
    BIO *in = BIO_new(BIO_s_mem());
    CMS_ContentInfo *cms = NULL;
    int rc = -1;

    if (fc != NULL) {
        fclose(fc);
    }
    if (fk != NULL) {
        fclose(fk);
    }
    if (cert != NULL && key != NULL && in != NULL && BIO_write(in, data1, (int)len1) == (int)len1 &&
        BIO_write(in, data2, (int)len2) == (int)len2) {
        cms = CMS_sign(cert, key, NULL, in, CMS_BINARY | CMS_DETACHED | CMS_NOSMIMECAP);
    }
    if (cms != NULL) {
        *der = NULL;
        *der_len = i2d_CMS_ContentInfo(cms, der);
        rc = *der_len > 0 ? 0 : -1;
    }
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    EVP_PKEY_free(key);
    X509_free(cert);
    return rc;
}

int gwt_sign_pdf(uint8_t **out, size_t *out_len, const uint8_t *pdf, size_t len,
                 const char *cert_pem_path, const char *key_pem_path)
{
    long size;
    long prev;
    char root[32];
    fse_buf b;
    size_t obj_off;
    size_t xref_off;
    size_t br_at;
    size_t c_lt;
    size_t c_gt;
    uint8_t *der = NULL;
    int der_len = 0;
    char br[64];
    int i;

    if (read_trailer((const char *)pdf, len, &size, root, &prev) != 0) {
        return -1;
    }
    fse_buf_init(&b, len + 4 * SIG_RESERVED);
    fse_buf_append(&b, pdf, len);
    if (pdf[len - 1] != '\n') {
        fse_buf_append_str(&b, "\n");
    }
    obj_off = b.len;
    fse_buf_printf(&b,
                   "%ld 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached"
                   "/M(D:20260101000000Z)/ByteRange ",
                   size);
    br_at = b.len;
    fse_buf_append_str(&b, "[0000000000 0000000000 0000000000 0000000000]/Contents <");
    c_lt = b.len - 1;
    for (i = 0; i < (int)(2 * SIG_RESERVED); i++) {
        fse_buf_append(&b, "0", 1);
    }
    fse_buf_append_str(&b, ">");
    c_gt = b.len; /* first byte after '>' */
    fse_buf_append_str(&b, ">>\nendobj\n");
    xref_off = b.len;
    fse_buf_printf(&b,
                   "xref\n0 1\n0000000000 65535 f \n%ld 1\n%010zu 00000 n \ntrailer\n"
                   "<</Size %ld/Root %s/Prev %ld>>\nstartxref\n%zu\n%%%%EOF\n",
                   size, obj_off, size + 1, root, prev, xref_off);
    snprintf(br, sizeof(br), "[%010d %010zu %010zu %010zu]", 0, c_lt, c_gt, b.len - c_gt);
    memcpy(b.data + br_at, br, strlen(br));
    if (cms_sign(&der, &der_len, (const uint8_t *)b.data, c_lt, (const uint8_t *)b.data + c_gt,
                 b.len - c_gt, cert_pem_path, key_pem_path) != 0 ||
        (size_t)der_len > SIG_RESERVED) {
        OPENSSL_free(der);
        fse_buf_free(&b);
        return -1;
    }
    fse_hex_encode(b.data + c_lt + 1, der, (size_t)der_len);
    b.data[c_lt + 1 + 2 * (size_t)der_len] = '0'; /* overwrite the encoder's NUL */
    OPENSSL_free(der);
    *out = (uint8_t *)fse_buf_steal(&b, out_len);
    return 0;
}
