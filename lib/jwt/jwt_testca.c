/*
 * lib/jwt/jwt_testca.c - a small test PKI for the Gateway tokens.
 *
 * Owns the test CA (RSA key, self-signed v3 certificate with a fixed
 * subject), the issue of end-entity "signature" (S1#...) and
 * "authentication" (A1#...) certificates, and PEM reading and writing of
 * certificates and keys. Used by the tests, `fse gen` and `fse demo`; a
 * production node only loads CA files into a verifier (jwt_verify.c).
 * Does not own token signing (jwt_sign.c).
 */
#include "jwt_int.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

/* Largest PEM file fse_jwt_cred_load_pem reads. */
#define MAX_PEM_FILE_BYTES (1024u * 1024u)

static fse_err crypto_fail(const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char buf[160];

    buf[0] = '\0';
    if (e != 0) {
        ERR_error_string_n(e, buf, sizeof(buf));
    }
    ERR_clear_error();
    return fse_error_set(FSE_E_CRYPTO, FSE_JWT_MODULE, "%s failed %s", what, buf);
}

static fse_err check_cert_opts(const fse_jwt_cert_opts *opts)
{
    if (opts == NULL || opts->cn == NULL || opts->cn[0] == '\0') {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "certificate options without CN");
    }
    if (opts->rsa_bits != 1024 && opts->rsa_bits != 2048 && opts->rsa_bits != 3072 &&
        opts->rsa_bits != 4096) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "RSA size %u not offered", opts->rsa_bits);
    }
    if (opts->not_after <= opts->not_before) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "certificate validity is empty");
    }
    return FSE_OK;
}

/* A positive random 64-bit serial number. */
static bool set_serial(X509 *x)
{
    unsigned char bytes[8];
    BIGNUM *bn = NULL;
    bool ok;

    if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
        return false;
    }
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    bn = BN_bin2bn(bytes, sizeof(bytes), NULL);
    ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
    BN_free(bn);
    return ok;
}

static bool set_subject(X509 *x, const char *cn)
{
    X509_NAME *name = X509_get_subject_name(x);

    return X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"IT", -1, -1,
                                      0) == 1 &&
           X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"FSE TEST",
                                      -1, -1, 0) == 1 &&
           X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
                                      0) == 1;
}

static bool add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    bool ok = ext != NULL && X509_add_ext(x, ext, -1) == 1;

    X509_EXTENSION_free(ext);
    return ok;
}

/* The v3 extensions of a CA or of an end-entity signing certificate. */
static bool add_extensions(X509 *x, X509 *issuer, bool is_ca)
{
    X509V3_CTX ctx;

    X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
    if (!add_ext(x, &ctx, NID_basic_constraints,
                 is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE")) {
        return false;
    }
    if (!add_ext(x, &ctx, NID_key_usage,
                 is_ca ? "critical,keyCertSign,cRLSign"
                       : "critical,digitalSignature,nonRepudiation")) {
        return false;
    }
    if (!add_ext(x, &ctx, NID_subject_key_identifier, "hash")) {
        return false;
    }
    return issuer == NULL || add_ext(x, &ctx, NID_authority_key_identifier, "keyid");
}

/*
 * A certificate for key with subject C=IT, O=FSE TEST, CN=cn, signed by
 * issuer_key (issuer NULL: self-signed).
 */
static fse_err make_cert(X509 **out, EVP_PKEY *key, const fse_jwt_cert_opts *opts, X509 *issuer,
                         EVP_PKEY *issuer_key, bool is_ca)
{
    X509 *x = X509_new();
    fse_err rc = FSE_OK;

    if (x == NULL || X509_set_version(x, 2) != 1 || !set_serial(x) ||
        ASN1_TIME_set(X509_getm_notBefore(x), (time_t)opts->not_before) == NULL ||
        ASN1_TIME_set(X509_getm_notAfter(x), (time_t)opts->not_after) == NULL ||
        !set_subject(x, opts->cn) ||
        X509_set_issuer_name(x, X509_get_subject_name(issuer != NULL ? issuer : x)) != 1 ||
        X509_set_pubkey(x, key) != 1 || !add_extensions(x, issuer, is_ca) ||
        X509_sign(x, issuer_key != NULL ? issuer_key : key, EVP_sha256()) <= 0) {
        rc = crypto_fail("certificate issue");
        goto done;
    }
    *out = x;
    x = NULL;
done:
    X509_free(x);
    return rc;
}

/* Fresh key, certificate and CN copy into cred. */
static fse_err make_cred(struct fse_jwt_cred *cred, const fse_jwt_cert_opts *opts, X509 *issuer,
                         EVP_PKEY *issuer_key, bool is_ca)
{
    fse_err rc = check_cert_opts(opts);

    if (rc != FSE_OK) {
        return rc;
    }
    cred->key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)opts->rsa_bits);
    if (cred->key == NULL) {
        return crypto_fail("RSA key generation");
    }
    rc = make_cert(&cred->cert, cred->key, opts, issuer, issuer_key, is_ca);
    if (rc != FSE_OK) {
        return rc;
    }
    cred->cn = fse_strdup(opts->cn);
    if (cred->cn == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
    }
    return FSE_OK;
}

static void cred_clear(struct fse_jwt_cred *cred)
{
    EVP_PKEY_free(cred->key);
    X509_free(cred->cert);
    fse_free(cred->cn);
    memset(cred, 0, sizeof(*cred));
}

fse_err fse_jwt_testca_new(fse_jwt_testca **out, const fse_jwt_cert_opts *opts)
{
    fse_jwt_testca *ca = NULL;
    fse_err rc;

    if (out == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "testca_new: NULL argument");
    }
    *out = NULL;
    ca = fse_calloc(1, sizeof(*ca));
    if (ca == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
    }
    rc = make_cred(&ca->cred, opts, NULL, NULL, true);
    if (rc != FSE_OK) {
        fse_jwt_testca_free(ca);
        return rc;
    }
    *out = ca;
    return FSE_OK;
}

void fse_jwt_testca_free(fse_jwt_testca *ca)
{
    if (ca == NULL) {
        return;
    }
    cred_clear(&ca->cred);
    fse_free(ca);
}

fse_err fse_jwt_testca_issue(fse_jwt_cred **out, const fse_jwt_testca *ca,
                             const fse_jwt_cert_opts *opts)
{
    fse_jwt_cred *cred;
    fse_err rc;

    if (out == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "testca_issue: NULL argument");
    }
    *out = NULL;
    cred = fse_calloc(1, sizeof(*cred));
    if (cred == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
    }
    rc = make_cred(cred, opts, ca != NULL ? ca->cred.cert : NULL, ca != NULL ? ca->cred.key : NULL,
                   false);
    if (rc != FSE_OK) {
        fse_jwt_cred_free(cred);
        return rc;
    }
    *out = cred;
    return FSE_OK;
}

fse_err fse_jwt_testca_cert_pem(char **pem_out, size_t *len_out, const fse_jwt_testca *ca)
{
    BIO *bio = NULL;
    char *data = NULL;
    long n;
    fse_err rc = FSE_OK;

    if (pem_out == NULL || ca == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "testca_cert_pem: NULL argument");
    }
    *pem_out = NULL;
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL || PEM_write_bio_X509(bio, ca->cred.cert) != 1) {
        rc = crypto_fail("PEM encoding");
        goto done;
    }
    n = BIO_get_mem_data(bio, &data);
    if (n <= 0) {
        rc = crypto_fail("PEM encoding");
        goto done;
    }
    *pem_out = fse_strndup(data, (size_t)n);
    if (*pem_out == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
        goto done;
    }
    if (len_out != NULL) {
        *len_out = (size_t)n;
    }
done:
    BIO_free(bio);
    return rc;
}

static fse_err write_cert(const X509 *cert, const char *path)
{
    BIO *bio = BIO_new_file(path, "w");
    fse_err rc = FSE_OK;

    if (bio == NULL || PEM_write_bio_X509(bio, cert) != 1 || BIO_flush(bio) != 1) {
        ERR_clear_error();
        rc = fse_error_set(FSE_E_IO, FSE_JWT_MODULE, "cannot write %s", path);
    }
    BIO_free(bio);
    return rc;
}

fse_err fse_jwt_testca_write_pem(const fse_jwt_testca *ca, const char *cert_path)
{
    if (ca == NULL || cert_path == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "testca_write_pem: NULL argument");
    }
    return write_cert(ca->cred.cert, cert_path);
}

fse_err fse_jwt_cred_write_pem(const fse_jwt_cred *cred, const char *cert_path,
                               const char *key_path)
{
    BIO *bio = NULL;
    int fd;
    fse_err rc;

    if (cred == NULL || cert_path == NULL || key_path == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "cred_write_pem: NULL argument");
    }
    rc = write_cert(cred->cert, cert_path);
    if (rc != FSE_OK) {
        return rc;
    }
    fd = open(key_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        return fse_error_set(FSE_E_IO, FSE_JWT_MODULE, "cannot create %s", key_path);
    }
    bio = BIO_new_fd(fd, BIO_CLOSE);
    if (bio == NULL) {
        close(fd);
        return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
    }
    if (PEM_write_bio_PrivateKey(bio, cred->key, NULL, NULL, 0, NULL, NULL) != 1 ||
        BIO_flush(bio) != 1) {
        ERR_clear_error();
        rc = fse_error_set(FSE_E_IO, FSE_JWT_MODULE, "cannot write %s", key_path);
    }
    BIO_free(bio);
    return rc;
}

/* Never prompt for a pass phrase: an encrypted key is refused. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* Read a PEM file into *data and open a memory BIO over it. */
static fse_err read_pem_file(uint8_t **data, size_t *len, BIO **bio, const char *path)
{
    fse_err rc = fse_file_read(path, MAX_PEM_FILE_BYTES, data, len);

    if (rc != FSE_OK) {
        return fse_error_prefix(FSE_JWT_MODULE);
    }
    *bio = BIO_new_mem_buf(*data, (int)*len);
    if (*bio == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
    }
    return FSE_OK;
}

fse_err fse_jwt_cred_load_pem(fse_jwt_cred **out, const char *cert_path, const char *key_path)
{
    fse_jwt_cred *cred = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    BIO *bio = NULL;
    bool oom = false;
    fse_err rc;

    if (out == NULL || cert_path == NULL || key_path == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "cred_load_pem: NULL argument");
    }
    *out = NULL;
    cred = fse_calloc(1, sizeof(*cred));
    if (cred == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
        goto done;
    }
    rc = read_pem_file(&data, &len, &bio, cert_path);
    if (rc != FSE_OK) {
        goto done;
    }
    cred->cert = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
    BIO_free(bio);
    bio = NULL;
    fse_free(data);
    data = NULL;
    if (cred->cert == NULL) {
        rc = fse_error_set(FSE_E_PARSE, FSE_JWT_MODULE, "%s: no PEM certificate", cert_path);
        goto done;
    }
    rc = read_pem_file(&data, &len, &bio, key_path);
    if (rc != FSE_OK) {
        goto done;
    }
    cred->key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    if (cred->key == NULL || X509_check_private_key(cred->cert, cred->key) != 1) {
        rc = fse_error_set(FSE_E_PARSE, FSE_JWT_MODULE,
                           "%s: no unencrypted private key of the certificate", key_path);
        goto done;
    }
    cred->cn = fse_jwt__cert_cn(cred->cert, &oom);
    if (cred->cn == NULL) {
        rc = oom ? fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory")
                 : fse_error_set(FSE_E_PARSE, FSE_JWT_MODULE, "%s: no single CN", cert_path);
        goto done;
    }
    *out = cred;
    cred = NULL;
done:
    ERR_clear_error();
    BIO_free(bio);
    if (data != NULL) {
        OPENSSL_cleanse(data, len);
    }
    fse_free(data);
    fse_jwt_cred_free(cred);
    return rc;
}

const char *fse_jwt_cred_cn(const fse_jwt_cred *cred)
{
    return cred != NULL ? cred->cn : NULL;
}

void fse_jwt_cred_free(fse_jwt_cred *cred)
{
    if (cred == NULL) {
        return;
    }
    cred_clear(cred);
    fse_free(cred);
}
