/*
 * tests/gen/test_gen_tokens.c - the Gateway tokens of generated documents:
 * for every type, both pairs (validation and create) verify with
 * fse_jwt_verify against the test CA, pass fse_jwt_check_operation for their
 * call and fse_jwt_check_document against the generated CDA and PDF; exp is
 * iat + 24 h; same inputs, same tokens; bad arguments. Then `fse gen --pki`
 * end to end: the PKI directory is created (key files 0600, fixed subjects)
 * and reused, every <TYPE>_<n>.jwt.json verifies against DIR/ca.pem, a run
 * with the same seed and --now writes the same tokens, a partial PKI is
 * refused, and --help documents the options.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "fse/cda.h"
#include "fse/gen.h"
#include "fse/jwt.h"
#include "fse/util.h"
#include "fse/xml.h"

#include "test_gen.h"

#define AUDIENCE "https://gateway.test/v1"
#define IAT 1748736000 /* 2025-06-01T00:00:00Z */
#define DAY 86400
#define TOOL_PATH FSE_BUILD_DIR "/fse"
#define CLI_DIR FSE_BUILD_DIR "/gen-cli"
#define SEEDS 3

extern char **environ;

typedef struct token_fixture {
    fse_jwt_testca *ca;
    fse_jwt_cred *signer;
    fse_jwt_verifier *verifier;
} token_fixture;

static token_fixture t;

static int tokens_setup(void **state)
{
    fse_jwt_cert_opts o = {"FSE GEN UNIT CA", 2048, IAT - DAY, IAT + 400 * DAY};
    fse_jwt_verifier_opts vo = FSE_JWT_VERIFIER_OPTS_INIT;
    char *pem = NULL;
    size_t pem_len = 0;
    int rc = -1;

    (void)state;
    if (fse_jwt_testca_new(&t.ca, &o) != FSE_OK) {
        goto done;
    }
    o.cn = "S1#120#GENTEST";
    if (fse_jwt_testca_issue(&t.signer, t.ca, &o) != FSE_OK ||
        fse_jwt_testca_cert_pem(&pem, &pem_len, t.ca) != FSE_OK) {
        goto done;
    }
    vo.ca_pem = pem;
    vo.ca_pem_len = pem_len;
    vo.audience = AUDIENCE;
    rc = fse_jwt_verifier_new(&t.verifier, &vo) == FSE_OK ? 0 : -1;
done:
    if (rc != 0) {
        fprintf(stderr, "tokens setup: %s\n", fse_error_last()->message);
    }
    fse_free(pem);
    return rc;
}

static int tokens_teardown(void **state)
{
    (void)state;
    fse_jwt_verifier_free(t.verifier);
    fse_jwt_cred_free(t.signer);
    fse_jwt_testca_free(t.ca);
    return 0;
}

/* A generated document with its PDF (meta->pdf_sha256 set). */
typedef struct gen_doc {
    uint8_t *cda;
    size_t cda_len;
    uint8_t *pdf;
    size_t pdf_len;
    fse_gen_meta meta;
} gen_doc;

static void doc_make(gen_doc *d, fse_doc_type type, uint64_t seed)
{
    fse_gen_opts o = FSE_GEN_OPTS_INIT;

    memset(d, 0, sizeof(*d));
    o.doc_type = type;
    o.seed = seed;
    if (fse_gen_document(&d->cda, &d->cda_len, &d->meta, &o, 1) != FSE_OK ||
        fse_gen_pdf(&d->pdf, &d->pdf_len, &d->meta, d->cda, d->cda_len) != FSE_OK) {
        fail_msg("generate: %s", fse_error_last()->message);
    }
}

static void doc_free(gen_doc *d)
{
    fse_free(d->cda);
    fse_free(d->pdf);
}

static fse_jwt_claims *verify(const fse_jwt_verifier *v, const char *token, int64_t now)
{
    fse_jwt_claims *claims = NULL;
    fse_jwt_reason reason = FSE_JWT_E_INTERNAL;

    if (fse_jwt_verify(&claims, &reason, v, token, strlen(token), now) != FSE_OK) {
        fail_msg("verify: %s (%s)", fse_jwt_reason_name(reason), fse_error_last()->message);
    }
    assert_int_equal(reason, FSE_JWT_OK);
    return claims;
}

/*
 * Verify one pair at now against v, then the claim rules of op and the
 * document checks against cda (header) and pdf (attachment_hash).
 */
static void check_pair(const fse_jwt_verifier *v, const fse_gen_token_pair *p, fse_jwt_op op,
                       const uint8_t *cda, size_t cda_len, const uint8_t *pdf, size_t pdf_len,
                       int64_t now)
{
    fse_jwt_claims *auth = verify(v, p->authorization, now);
    fse_jwt_claims *sig = verify(v, p->signature, now);
    fse_jwt_findings jf;
    fse_cda_findings cf;
    xmlDocPtr doc = NULL;
    fse_cda_header *h = NULL;

    fse_jwt_findings_init(&jf);
    assert_int_equal(fse_jwt_check_operation(&jf, auth, sig, op), FSE_OK);
    if (jf.n_items != 0) {
        fail_msg("check_operation: %zu findings, first on %s: %s", jf.n_items, jf.items[0].claim,
                 jf.items[0].detail);
    }
    assert_int_equal(fse_xml_parse(&doc, NULL, cda, cda_len, NULL), FSE_OK);
    assert_int_equal(fse_cda_header_extract(&h, doc), FSE_OK);
    fse_cda_findings_init(&cf);
    assert_int_equal(fse_jwt_check_document(&cf, sig, op, h, pdf, pdf_len), FSE_OK);
    if (cf.n_items != 0) {
        fail_msg("check_document: %zu findings, first: %s", cf.n_items, cf.items[0].detail);
    }
    assert_int_equal(auth->exp - auth->iat, DAY);
    assert_int_equal(sig->exp - sig->iat, DAY);
    fse_cda_findings_free(&cf);
    fse_cda_header_free(h);
    xmlFreeDoc(doc);
    fse_jwt_findings_free(&jf);
    fse_jwt_claims_free(auth);
    fse_jwt_claims_free(sig);
}

static void make_tokens(fse_gen_tokens *tk, const fse_gen_meta *meta, int64_t iat)
{
    fse_gen_token_opts o = FSE_GEN_TOKEN_OPTS_INIT;

    o.audience = AUDIENCE;
    o.iat = iat;
    if (fse_gen_tokens_make(tk, meta, t.signer, &o) != FSE_OK) {
        fail_msg("tokens: %s", fse_error_last()->message);
    }
}

/* Every type, a few seeds: both pairs verify and pass every Gateway check,
 * at issue time and just before expiry. */
static void test_tokens_verify(void **state)
{
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);

    (void)state;
    for (size_t k = 0; k < n_types; k++) {
        for (uint64_t seed = 1; seed <= SEEDS; seed++) {
            gen_doc d;
            fse_gen_tokens tk;
            fse_jwt_claims *c;

            doc_make(&d, types[k], seed);
            make_tokens(&tk, &d.meta, IAT);
            check_pair(t.verifier, &tk.validation, FSE_JWT_OP_VALIDATION, d.cda, d.cda_len, d.pdf,
                       d.pdf_len, IAT);
            check_pair(t.verifier, &tk.create, FSE_JWT_OP_CREATE, d.cda, d.cda_len, d.pdf,
                       d.pdf_len, IAT + DAY - 120);

            /* The claims come from the metadata. */
            c = verify(t.verifier, tk.create.signature, IAT);
            assert_non_null(strstr(c->person_id, d.meta.patient_cf));
            assert_non_null(strstr(c->sub, d.meta.author_cf));
            assert_string_equal(c->attachment_hash, d.meta.pdf_sha256);
            assert_string_equal(c->resource_hl7_type, d.meta.resource_hl7_type);
            assert_string_equal(c->subject_organization_id, d.meta.subject_organization_id);
            assert_string_equal(c->locality, d.meta.locality);
            assert_string_equal(c->action_id, "CREATE");
            assert_int_equal(c->iat, IAT);
            assert_true(c->n_aud == 1 && strcmp(c->aud[0], AUDIENCE) == 0);
            fse_jwt_claims_free(c);

            /* A token for one call does not pass as another's: no hash on
             * the PDF of a different document. */
            if (k + 1 < n_types) {
                gen_doc other;
                fse_jwt_claims *s = verify(t.verifier, tk.create.signature, IAT);
                fse_cda_findings cf;

                doc_make(&other, types[k + 1], seed);
                fse_cda_findings_init(&cf);
                assert_int_equal(fse_cda_check_attachment_hash(&cf, s->attachment_hash, other.pdf,
                                                               other.pdf_len),
                                 FSE_OK);
                assert_true(cf.n_items > 0);
                fse_cda_findings_free(&cf);
                fse_jwt_claims_free(s);
                doc_free(&other);
            }
            fse_gen_tokens_free(&tk);
            doc_free(&d);
        }
    }
}

/* exp = iat + 24 h: refused a day (and the skew) later. */
static void test_tokens_expire(void **state)
{
    gen_doc d;
    fse_gen_tokens tk;
    fse_jwt_claims *c = NULL;
    fse_jwt_reason reason = FSE_JWT_OK;

    (void)state;
    doc_make(&d, FSE_CDA_DOC_VPS, 2);
    make_tokens(&tk, &d.meta, IAT);
    assert_int_equal(fse_jwt_verify(&c, &reason, t.verifier, tk.create.signature,
                                    strlen(tk.create.signature), IAT + DAY + 3600),
                     FSE_E_AUTH);
    assert_int_equal(reason, FSE_JWT_E_EXPIRED);
    assert_null(c);
    fse_gen_tokens_free(&tk);
    doc_free(&d);
}

/* Same metadata, signer and time: the same tokens; another time: others. */
static void test_tokens_deterministic(void **state)
{
    gen_doc d;
    fse_gen_tokens a;
    fse_gen_tokens b;
    fse_buf ja;
    fse_buf jb;

    (void)state;
    doc_make(&d, FSE_CDA_DOC_RAP, 11);
    make_tokens(&a, &d.meta, IAT);
    make_tokens(&b, &d.meta, IAT);
    assert_string_equal(a.validation.authorization, b.validation.authorization);
    assert_string_equal(a.validation.signature, b.validation.signature);
    assert_string_equal(a.create.authorization, b.create.authorization);
    assert_string_equal(a.create.signature, b.create.signature);
    assert_string_not_equal(a.validation.signature, a.create.signature);
    fse_buf_init(&ja, 1u << 20);
    fse_buf_init(&jb, 1u << 20);
    assert_int_equal(fse_gen_tokens_to_json(&ja, &a), FSE_OK);
    assert_int_equal(fse_gen_tokens_to_json(&jb, &b), FSE_OK);
    assert_int_equal(ja.len, jb.len);
    assert_memory_equal(ja.data, jb.data, ja.len);
    fse_gen_tokens_free(&b);
    make_tokens(&b, &d.meta, IAT + 60);
    assert_string_not_equal(a.create.signature, b.create.signature);
    fse_buf_free(&ja);
    fse_buf_free(&jb);
    fse_gen_tokens_free(&a);
    fse_gen_tokens_free(&b);
    doc_free(&d);
}

/* The JSON file holds the four tokens under validation/create. */
static void test_tokens_json(void **state)
{
    gen_doc d;
    fse_gen_tokens tk;
    fse_buf b;
    json_error_t err;
    json_t *root;
    const char *ops[] = {"validation", "create"};

    (void)state;
    doc_make(&d, FSE_CDA_DOC_LAB, 4);
    make_tokens(&tk, &d.meta, IAT);
    fse_buf_init(&b, 1u << 20);
    assert_int_equal(fse_gen_tokens_to_json(&b, &tk), FSE_OK);
    root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &err);
    assert_non_null(root);
    assert_int_equal(json_object_size(root), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *pair = json_object_get(root, ops[i]);
        const fse_gen_token_pair *p = i == 0 ? &tk.validation : &tk.create;

        assert_int_equal(json_object_size(pair), 2);
        assert_string_equal(json_string_value(json_object_get(pair, "authorization")),
                            p->authorization);
        assert_string_equal(json_string_value(json_object_get(pair, "signature")), p->signature);
    }
    json_decref(root);
    fse_buf_free(&b);
    fse_gen_tokens_free(&tk);
    doc_free(&d);
}

static void test_tokens_bad_args(void **state)
{
    gen_doc d;
    fse_gen_tokens tk;
    fse_gen_token_opts o = FSE_GEN_TOKEN_OPTS_INIT;
    fse_gen_meta no_pdf;
    fse_buf b;

    (void)state;
    doc_make(&d, FSE_CDA_DOC_RSA, 1);
    o.iat = IAT;
    /* No audience. */
    assert_int_equal(fse_gen_tokens_make(&tk, &d.meta, t.signer, &o), FSE_E_ARG);
    assert_null(tk.create.signature);
    o.audience = AUDIENCE;
    /* No PDF hash yet. */
    no_pdf = d.meta;
    no_pdf.pdf_sha256[0] = '\0';
    assert_int_equal(fse_gen_tokens_make(&tk, &no_pdf, t.signer, &o), FSE_E_ARG);
    o.version = 99;
    assert_int_equal(fse_gen_tokens_make(&tk, &d.meta, t.signer, &o), FSE_E_ARG);
    o.version = FSE_GEN_TOKEN_OPTS_VERSION;
    assert_int_equal(fse_gen_tokens_make(&tk, &d.meta, NULL, &o), FSE_E_ARG);
    assert_int_equal(fse_gen_tokens_make(NULL, &d.meta, t.signer, &o), FSE_E_ARG);
    /* Nothing made: no JSON; freeing is harmless. */
    fse_buf_init(&b, 1024);
    assert_int_equal(fse_gen_tokens_to_json(&b, &tk), FSE_E_ARG);
    fse_buf_free(&b);
    fse_gen_tokens_free(&tk);
    fse_gen_tokens_free(NULL);
    doc_free(&d);
}

/* ---- fse gen --pki ------------------------------------------------------ */

/* Run the fse tool with args; stdout and stderr go to files under CLI_DIR. */
static int run_tool(const char *const *args)
{
    const char *argv[32];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status = 0;
    size_t n = 0;

    argv[n++] = TOOL_PATH;
    for (size_t i = 0; args[i] != NULL; i++) {
        assert_true(n + 1 < sizeof(argv) / sizeof(argv[0]));
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
    assert_int_equal(posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, CLI_DIR "/stdout.txt",
                                                      O_WRONLY | O_CREAT | O_TRUNC, 0644),
                     0);
    assert_int_equal(posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, CLI_DIR "/stderr.txt",
                                                      O_WRONLY | O_CREAT | O_TRUNC, 0644),
                     0);
    fflush(stdout);
    fflush(stderr);
    assert_int_equal(
        posix_spawn(&pid, TOOL_PATH, &fa, NULL, (char *const *)(uintptr_t)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    uint8_t *data = NULL;

    if (fse_file_read(path, 64u << 20, &data, len) != FSE_OK) {
        fail_msg("%s: %s", path, fse_error_last()->message);
    }
    return data;
}

static void remove_tree(const char *dir)
{
    char cmd[4096];

    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Verify the .jwt.json of one written document against DIR/ca.pem. */
static void check_written(const fse_jwt_verifier *v, const char *out_dir, const char *name)
{
    char path[4096];
    uint8_t *cda;
    uint8_t *pdf;
    uint8_t *js;
    size_t cda_len = 0;
    size_t pdf_len = 0;
    size_t js_len = 0;
    json_error_t err;
    json_t *root;
    const char *ops[] = {"validation", "create"};
    const fse_jwt_op op_ids[] = {FSE_JWT_OP_VALIDATION, FSE_JWT_OP_CREATE};

    (void)snprintf(path, sizeof(path), "%s/%s.xml", out_dir, name);
    cda = slurp(path, &cda_len);
    (void)snprintf(path, sizeof(path), "%s/%s.pdf", out_dir, name);
    pdf = slurp(path, &pdf_len);
    (void)snprintf(path, sizeof(path), "%s/%s.jwt.json", out_dir, name);
    js = slurp(path, &js_len);
    root = json_loadb((const char *)js, js_len, JSON_REJECT_DUPLICATES, &err);
    assert_non_null(root);
    for (size_t i = 0; i < 2; i++) {
        json_t *pair = json_object_get(root, ops[i]);
        fse_gen_token_pair p;

        p.authorization =
            (char *)(uintptr_t)json_string_value(json_object_get(pair, "authorization"));
        p.signature = (char *)(uintptr_t)json_string_value(json_object_get(pair, "signature"));
        assert_non_null(p.authorization);
        assert_non_null(p.signature);
        check_pair(v, &p, op_ids[i], cda, cda_len, pdf, pdf_len, IAT + 60);
    }
    json_decref(root);
    fse_free(cda);
    fse_free(pdf);
    fse_free(js);
}

static void test_cli_pki(void **state)
{
    const char *pki = CLI_DIR "/pki";
    const char *out1 = CLI_DIR "/out1";
    const char *out2 = CLI_DIR "/out2";
    const char *gen1[] = {"gen",    "--count", "2",  "--seed", "5",          "--type",
                          "all",    "--pki",   pki,  "--now",  "1748736000", "--audience",
                          AUDIENCE, "--out",   out1, NULL};
    const char *gen2[] = {"gen",    "--count", "2",  "--seed", "5",          "--type",
                          "all",    "--pki",   pki,  "--now",  "1748736000", "--audience",
                          AUDIENCE, "--out",   out2, NULL};
    const char *help[] = {"gen", "--help", NULL};
    const char *files[] = {"ca.pem", "sig.pem", "sig.key", "auth.pem", "auth.key"};
    fse_jwt_verifier_opts vo = FSE_JWT_VERIFIER_OPTS_INIT;
    fse_jwt_verifier *v = NULL;
    fse_jwt_cred *cred = NULL;
    const char *ca_files[1] = {CLI_DIR "/pki/ca.pem"};
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);
    uint8_t *ca_before;
    uint8_t *ca_after;
    size_t before_len = 0;
    size_t after_len = 0;
    struct stat st;
    char path[4096];
    uint8_t *text;
    size_t text_len = 0;

    (void)state;
    remove_tree(CLI_DIR);
    assert_int_equal(mkdir(CLI_DIR, 0755), 0);

    /* First run: the PKI is created. */
    assert_int_equal(run_tool(gen1), 0);
    for (size_t i = 0; i < 5; i++) {
        (void)snprintf(path, sizeof(path), "%s/%s", pki, files[i]);
        assert_int_equal(stat(path, &st), 0);
        if (strstr(files[i], ".key") != NULL) {
            assert_int_equal(st.st_mode & 0777, 0600);
        }
    }
    assert_int_equal(fse_jwt_cred_load_pem(&cred, CLI_DIR "/pki/sig.pem", CLI_DIR "/pki/sig.key"),
                     FSE_OK);
    assert_string_equal(fse_jwt_cred_cn(cred), "S1#120#FSEGEN");
    fse_jwt_cred_free(cred);
    assert_int_equal(fse_jwt_cred_load_pem(&cred, CLI_DIR "/pki/auth.pem", CLI_DIR "/pki/auth.key"),
                     FSE_OK);
    assert_string_equal(fse_jwt_cred_cn(cred), "A1#120#FSEGEN");
    fse_jwt_cred_free(cred);

    vo.ca_files = ca_files;
    vo.n_ca_files = 1;
    vo.audience = AUDIENCE;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_OK);
    for (size_t k = 0; k < n_types; k++) {
        for (int n = 1; n <= 2; n++) {
            char name[64];

            (void)snprintf(name, sizeof(name), "%s_%d", fse_cda_doc_desc_get(types[k])->name, n);
            check_written(v, out1, name);
        }
    }

    /* Second run: the PKI is reused (same CA), the tokens are the same. */
    ca_before = slurp(CLI_DIR "/pki/ca.pem", &before_len);
    assert_int_equal(run_tool(gen2), 0);
    ca_after = slurp(CLI_DIR "/pki/ca.pem", &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(ca_before, ca_after, before_len);
    for (size_t k = 0; k < n_types; k++) {
        uint8_t *a;
        uint8_t *b;
        size_t la = 0;
        size_t lb = 0;

        (void)snprintf(path, sizeof(path), "%s/%s_1.jwt.json", out1,
                       fse_cda_doc_desc_get(types[k])->name);
        a = slurp(path, &la);
        (void)snprintf(path, sizeof(path), "%s/%s_1.jwt.json", out2,
                       fse_cda_doc_desc_get(types[k])->name);
        b = slurp(path, &lb);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        fse_free(a);
        fse_free(b);
    }
    fse_free(ca_before);
    fse_free(ca_after);
    fse_jwt_verifier_free(v);

    /* A directory with part of a PKI is refused. */
    assert_int_equal(unlink(CLI_DIR "/pki/auth.key"), 0);
    assert_int_equal(run_tool(gen1), 2);
    text = slurp(CLI_DIR "/stderr.txt", &text_len);
    assert_non_null(strstr((const char *)text, "part of a test PKI"));
    fse_free(text);

    /* --help documents the tokens and the new types. */
    assert_int_equal(run_tool(help), 0);
    text = slurp(CLI_DIR "/stdout.txt", &text_len);
    assert_non_null(strstr((const char *)text, "--pki DIR"));
    assert_non_null(strstr((const char *)text, "--audience URL"));
    assert_non_null(strstr((const char *)text, "--now EPOCH"));
    assert_non_null(strstr((const char *)text, "RAP, VPS"));
    fse_free(text);
    remove_tree(CLI_DIR);
}

int gen_token_tests(void)
{
    const struct CMUnitTest token_tests[] = {
        cmocka_unit_test(test_tokens_verify),        cmocka_unit_test(test_tokens_expire),
        cmocka_unit_test(test_tokens_deterministic), cmocka_unit_test(test_tokens_json),
        cmocka_unit_test(test_tokens_bad_args),      cmocka_unit_test(test_cli_pki),
    };

    return cmocka_run_group_tests(token_tests, tokens_setup, tokens_teardown);
}
