/*
 * tests/gateway/gwt_test_visibility.c - the visibility a published document
 * is stored with (docs/gateway.md "Default obscuring"), read back through
 * fse_store_doc_get on the node's store: P99, P97 and P98 of
 * attiCliniciRegoleAccesso; TUTELA for a document that reveals a maggior
 * tutela category (DM23 art.6: an HIV test) or carries confidentialityCode
 * V, P00 not releasing it; on replace, the replaced version's choices kept
 * unless the list drops them; on metadata update, the bits following the
 * changes of the list while TUTELA and the patient's own obscuring stay.
 */
#include "gwt.h"

#include <stdio.h>
#include <string.h>

#include "fse/util.h"

/* The visibility bits of a stored document. */
static unsigned stored_visibility(const char *unique_id)
{
    fse_store_doc_meta *m = NULL;
    unsigned vis;

    assert_int_equal(fse_store_doc_get(&m, g.node.store, unique_id), FSE_OK);
    vis = m->visibility;
    fse_store_doc_meta_free(m);
    return vis;
}

/* Set attiCliniciRegoleAccesso of d (NULL-terminated list of codes). */
static void set_atti(gwt_doc *d, const char *const *codes)
{
    size_t n = 0;

    while (codes[n] != NULL) {
        assert_true(n < FSE_GEN_MAX_LIST);
        snprintf(d->meta.atti_clinici[n], sizeof(d->meta.atti_clinici[n]), "%s", codes[n]);
        n++;
    }
    d->meta.n_atti_clinici = n;
}

/* A new document with these event codes. */
static void doc_with(gwt_doc *d, const char *const *codes)
{
    gwt_doc_new(d);
    set_atti(d, codes);
}

/* Edit d's CDA: the first occurrence of from becomes to. */
static void edit_cda(gwt_doc *d, const char *from, const char *to)
{
    const char *cda = (const char *)d->cda;
    const char *at = strstr(cda, from);
    size_t head;
    char *out;

    assert_non_null(at);
    head = (size_t)(at - cda);
    out = fse_malloc(d->cda_len - strlen(from) + strlen(to) + 1);
    assert_non_null(out);
    memcpy(out, cda, head);
    memcpy(out + head, to, strlen(to));
    memcpy(out + head + strlen(to), at + strlen(from), d->cda_len - head - strlen(from) + 1);
    gwt_doc_set_cda(d, out);
    fse_free(out);
}

/* Make d an HIV test report: its last LOINC observation code becomes
 * 7917-8 "HIV 1 Ab Ql" (the result does not matter: a negative HIV test
 * is still an HIV test). The document still validates. */
static void make_hiv_report(gwt_doc *d)
{
    const char *needle = "codeSystem=\"2.16.840.1.113883.6.1\"";
    const char *cda = (const char *)d->cda;
    const char *last = NULL;
    const char *p;
    const char *code;
    char from[128];
    char to[128];

    for (p = strstr(cda, needle); p != NULL; p = strstr(p + 1, needle)) {
        last = p;
    }
    assert_non_null(last);
    for (code = last; code > cda && strncmp(code, " code=\"", 7) != 0; code--) {
    }
    assert_true(code > cda);
    snprintf(from, sizeof(from), "%.*s%s", (int)(last - code), code, needle);
    snprintf(to, sizeof(to), " code=\"7917-8\" %s", needle);
    edit_cda(d, from, to);
}

static void make_very_restricted(gwt_doc *d)
{
    edit_cda(d, "<confidentialityCode code=\"N\"", "<confidentialityCode code=\"V\"");
}

/* Validation then create; 202 expected. */
static void publish(const gwt_doc *d)
{
    fse_free(gwt_publish(&g.node, d));
}

void gwt_test_visibility_publish(void **state)
{
    static const char *const none[] = {NULL};
    static const char *const p99[] = {"P99", NULL};
    static const char *const p97_p98[] = {"P97", "P98", NULL};
    static const char *const p00[] = {"P00", NULL};
    static const char *const p00_p99[] = {"P00", "P99", NULL};
    gwt_doc d;

    (void)state;
    /* An ordinary document: visible. */
    doc_with(&d, none);
    publish(&d);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc), 0);
    gwt_doc_free(&d);

    /* IMPLEMENTATION-OF: domain-rules §3 "eventCode P99: document obscured". */
    doc_with(&d, p99);
    publish(&d);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc), FSE_STORE_VIS_OBSCURED);
    gwt_doc_free(&d);

    doc_with(&d, p97_p98);
    publish(&d);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc),
                     FSE_STORE_VIS_NOT_PARENTS | FSE_STORE_VIS_NOT_PATIENT);
    gwt_doc_free(&d);

    /* P00 and P99 together: obscured (the cautious reading). */
    doc_with(&d, p00_p99);
    publish(&d);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc), FSE_STORE_VIS_OBSCURED);
    gwt_doc_free(&d);

    /* IMPLEMENTATION-OF: DM23 art.6 c.1, an HIV test is hidden by default. */
    doc_with(&d, none);
    make_hiv_report(&d);
    publish(&d);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc), FSE_STORE_VIS_TUTELA);
    gwt_doc_free(&d);

    /* P00 (not obscured at feeding) is not the consent art.6 asks for. */
    doc_with(&d, p00);
    make_hiv_report(&d);
    publish(&d);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc), FSE_STORE_VIS_TUTELA);
    gwt_doc_free(&d);

    doc_with(&d, p99);
    make_hiv_report(&d);
    publish(&d);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc),
                     FSE_STORE_VIS_TUTELA | FSE_STORE_VIS_OBSCURED);
    gwt_doc_free(&d);

    /* The producer's marking: confidentialityCode V. */
    doc_with(&d, none);
    make_very_restricted(&d);
    publish(&d);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc), FSE_STORE_VIS_TUTELA);
    gwt_doc_free(&d);
}

/* validate-and-create runs the same step. */
void gwt_test_visibility_validate_and_create(void **state)
{
    static const char *const p98[] = {"P98", NULL};
    gwt_doc d;
    gwt_call c;
    gwt_resp r;

    (void)state;
    doc_with(&d, p98);
    make_hiv_report(&d);
    gwt_prepare_publish(&c, &d, FSE_JWT_OP_CREATE, "/v1/documents/validate-and-create", NULL);
    gwt_send(&g.node, &c, &r);
    gwt_expect(&r, 202, NULL, "validate-and-create of an HIV report");
    gwt_resp_free(&r);
    gwt_call_free(&c);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc),
                     FSE_STORE_VIS_TUTELA | FSE_STORE_VIS_NOT_PATIENT);
    gwt_doc_free(&d);
}

/* Replace old by next (validated first); 202 expected. */
static void replace(const gwt_doc *old, const gwt_doc *next)
{
    gwt_call c;
    gwt_resp r;

    fse_free(gwt_validate(&g.node, next));
    gwt_prepare_publish(&c, next, FSE_JWT_OP_REPLACE, "/v1/documents",
                        old->meta.identificativo_doc);
    gwt_send(&g.node, &c, &r);
    gwt_expect(&r, 202, NULL, "replace");
    gwt_resp_free(&r);
    gwt_call_free(&c);
}

void gwt_test_visibility_replace(void **state)
{
    static const char *const none[] = {NULL};
    static const char *const p99[] = {"P99", NULL};
    static const char *const p97[] = {"P97", NULL};
    gwt_doc v1;
    gwt_doc v2;
    gwt_doc v3;
    gwt_doc v4;

    (void)state;
    /* P99 kept by a version that asks for it again, dropped by one that
     * does not (the new entry's eventCodeList is the one INI gets). */
    doc_with(&v1, p99);
    publish(&v1);
    doc_with(&v2, p99);
    replace(&v1, &v2);
    assert_int_equal(stored_visibility(v2.meta.identificativo_doc), FSE_STORE_VIS_OBSCURED);
    doc_with(&v3, p97);
    replace(&v2, &v3);
    assert_int_equal(stored_visibility(v3.meta.identificativo_doc), FSE_STORE_VIS_NOT_PARENTS);

    /* The patient's own obscuring (not in any list) and a release of a
     * tutela version: the first is kept, the second is not carried to new
     * content, whose TUTELA comes from the new CDA. */
    assert_int_equal(fse_store_doc_visibility_set(g.node.store, v3.meta.identificativo_doc,
                                                  FSE_STORE_VIS_NOT_PARENTS |
                                                      FSE_STORE_VIS_OBSCURED |
                                                      FSE_STORE_VIS_TUTELA_RELEASED,
                                                  GWT_T0_MS),
                     FSE_OK);
    doc_with(&v4, none);
    make_hiv_report(&v4);
    replace(&v3, &v4);
    assert_int_equal(stored_visibility(v4.meta.identificativo_doc),
                     FSE_STORE_VIS_OBSCURED | FSE_STORE_VIS_TUTELA);
    gwt_doc_free(&v1);
    gwt_doc_free(&v2);
    gwt_doc_free(&v3);
    gwt_doc_free(&v4);
}

/* PUT /v1/documents/{id}/metadata with eventCodeList codes; 200 expected. */
static void update_metadata(const gwt_doc *d, const char *const *codes)
{
    json_t *body = json_object();
    json_t *atti = json_array();
    gwt_call c;
    gwt_resp r;
    char enc[1024];
    size_t i;

    json_object_set_new(body, "tipologiaStruttura", json_string("Ospedale"));
    json_object_set_new(body, "tipoDocumentoLivAlto", json_string("REF"));
    json_object_set_new(body, "assettoOrganizzativo", json_string("AD_PSC010"));
    json_object_set_new(body, "tipoAttivitaClinica", json_string("PHR"));
    json_object_set_new(body, "identificativoSottomissione",
                        json_string("2.16.840.1.113883.2.9.2.120.4.3.88"));
    for (i = 0; codes[i] != NULL; i++) {
        json_array_append_new(atti, json_string(codes[i]));
    }
    json_object_set_new(body, "attiCliniciRegoleAccesso", atti);
    gwt_encode(enc, d->meta.identificativo_doc);
    gwt_call_init(&c, "PUT", "/v1/documents/%s/metadata", enc);
    gwt_tokens(&c.auth, &c.sig, FSE_JWT_OP_METADATA_UPDATE, d, NULL);
    c.json_body = true;
    gwt_call_body(&c, body);
    gwt_send(&g.node, &c, &r);
    gwt_expect(&r, 200, NULL, "metadata update");
    gwt_resp_free(&r);
    gwt_call_free(&c);
    json_decref(body);
}

void gwt_test_visibility_metadata(void **state)
{
    static const char *const none[] = {NULL};
    static const char *const p99[] = {"P99", NULL};
    static const char *const p00[] = {"P00", NULL};
    static const char *const p98[] = {"P98", NULL};
    gwt_doc d;
    gwt_doc t;

    (void)state;
    /* P99 set and cleared by the producer's updates (ACCESS UPDATE). */
    doc_with(&d, none);
    publish(&d);
    update_metadata(&d, p99);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc), FSE_STORE_VIS_OBSCURED);
    update_metadata(&d, p00);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc), 0);
    /* An obscuring the patient made outside the list survives an update
     * that does not touch P99; P98 follows the list. */
    assert_int_equal(fse_store_doc_visibility_set(g.node.store, d.meta.identificativo_doc,
                                                  FSE_STORE_VIS_OBSCURED, GWT_T0_MS),
                     FSE_OK);
    update_metadata(&d, p98);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc),
                     FSE_STORE_VIS_OBSCURED | FSE_STORE_VIS_NOT_PATIENT);
    update_metadata(&d, none);
    assert_int_equal(stored_visibility(d.meta.identificativo_doc), FSE_STORE_VIS_OBSCURED);
    gwt_doc_free(&d);

    /* TUTELA is never derived from eventCodeList: P00 and P99 come and go,
     * it stays. */
    doc_with(&t, none);
    make_hiv_report(&t);
    publish(&t);
    update_metadata(&t, p99);
    assert_int_equal(stored_visibility(t.meta.identificativo_doc),
                     FSE_STORE_VIS_TUTELA | FSE_STORE_VIS_OBSCURED);
    update_metadata(&t, p00);
    assert_int_equal(stored_visibility(t.meta.identificativo_doc), FSE_STORE_VIS_TUTELA);
    gwt_doc_free(&t);
}
