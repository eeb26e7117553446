/*
 * lib/consult/consult_taccuino.c - the patient's taccuino
 * (/citizen/v1/patients/{cf}/taccuino, DM23 art.5): notes and documents
 * the patient enters, manages and deletes, never certified.
 *
 * Owns the four endpoints (list, add, the file of a note, delete), their
 * JSON in and out (the file travels as base64 inside the JSON body), the
 * media types a file may have, the file's download answer (attachment,
 * sandboxed) and the audit record of every act. Who may act is the gate
 * of the citizen's acts (consult_citizen.c): the taccuino is the
 * patient's own, so its acts are those lib/policy allows for visibility
 * changes - the patient, a guardian, the parent of a minor; a delegate
 * and every professional are refused. Storage is fse/store_taccuino.h.
 */
#include "consult_int.h"

#include <stdio.h>
#include <string.h>

#include "fse/store_taccuino.h"

/* The media types a taccuino file may have: documents and pictures a
 * person scans or photographs, nothing a browser would run. */
static const char *const file_types[] = {"application/pdf", "image/png", "image/jpeg",
                                         "text/plain"};

static bool file_type_ok(const char *t)
{
    size_t i;

    for (i = 0; t != NULL && i < sizeof(file_types) / sizeof(file_types[0]); i++) {
        if (strcmp(t, file_types[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- JSON out ----------------------------------------------------------- */

static void note_json(fse_json *w, const fse_store_note *n)
{
    char when[32];

    fse_consult__iso_ms(when, n->created_ms);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "id", n->id);
    fse_json_kv_string(w, "title", n->title != NULL ? n->title : "");
    fse_json_kv_string(w, "text", n->text != NULL ? n->text : "");
    fse_json_kv_string(w, "created", when);
    fse_json_kv_string(w, "author_role", n->author_role != NULL ? n->author_role : "");
    fse_json_kv_bool(w, "by_patient", n->author_role != NULL && strcmp(n->author_role, "ASS") == 0);
    /* DM23 art.5: never certified, always told apart from documents. */
    fse_json_kv_bool(w, "certified", false);
    fse_json_key(w, "file");
    if (n->file_len > 0) {
        fse_json_object_begin(w);
        fse_json_kv_string(w, "name", n->file_name != NULL ? n->file_name : "");
        fse_json_kv_string(w, "content_type", n->file_type != NULL ? n->file_type : "");
        fse_json_kv_int(w, "size", (long long)n->file_len);
        fse_json_object_end(w);
    } else {
        fse_json_null(w);
    }
    fse_json_object_end(w);
}

/* Audit the act, then answer (500 when it could not be recorded). */
static fse_err done(cs_ctx *ctx, const char *reason, unsigned status, fse_json *w, fse_buf *out)
{
    if (fse_json_status(w) != FSE_OK) {
        fse_buf_free(out);
        return fse_json_status(w);
    }
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, reason)) {
        fse_buf_free(out);
        return fse_consult__internal(ctx, "audit");
    }
    return fse_consult__send(ctx, w, out, status);
}

fse_err fse_consult__taccuino_get(cs_ctx *ctx)
{
    fse_store_note_list *l = NULL;
    char reason[48];
    fse_buf out;
    fse_json w;
    size_t i;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_OBSCURE)) {
        return FSE_OK;
    }
    if (fse_store_note_list_get(&l, ctx->store, ctx->patient) != FSE_OK) {
        return fse_consult__internal(ctx, "taccuino");
    }
    fse_consult__json_begin(&out, &w);
    fse_json_object_begin(&w);
    fse_json_kv_bool(&w, "certified", false);
    fse_json_key(&w, "notes");
    fse_json_array_begin(&w);
    for (i = 0; i < l->n; i++) {
        note_json(&w, &l->items[i]);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    snprintf(reason, sizeof(reason), "taccuino notes=%zu", l->n);
    fse_store_note_list_free(l);
    return done(ctx, reason, 200, &w, &out);
}

/* ---- Adding a note ------------------------------------------------------ */

static int b64_value(unsigned char c)
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
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

/* Strict base64 (padded, no white space) into *out (fse_malloc'd); false
 * when malformed or over max bytes. */
static bool b64_decode(uint8_t **out, size_t *len_out, const char *s, size_t max)
{
    size_t n = strlen(s);
    size_t pad = 0;
    size_t i;
    size_t o = 0;
    uint8_t *buf;

    *out = NULL;
    *len_out = 0;
    if (n == 0 || n % 4 != 0 || n / 4 * 3 > max + 2) {
        return false;
    }
    pad = s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
    if (n / 4 * 3 - pad > max) {
        return false;
    }
    buf = fse_malloc(n / 4 * 3);
    if (buf == NULL) {
        return false;
    }
    for (i = 0; i < n; i += 4) {
        int v[4];
        size_t k;
        bool last = i + 4 == n;

        for (k = 0; k < 4; k++) {
            v[k] = (last && k >= 4 - pad) ? 0 : b64_value((unsigned char)s[i + k]);
            if (v[k] < 0) {
                fse_free(buf);
                return false;
            }
        }
        buf[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
        if (!last || pad < 2) {
            buf[o++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
        }
        if (!last || pad < 1) {
            buf[o++] = (uint8_t)((v[2] & 3) << 6 | v[3]);
        }
    }
    *out = buf;
    *len_out = o;
    return true;
}

/* The base name of a file name, control characters refused; false when
 * nothing usable is left. */
static bool base_name(const char **out, const char *name)
{
    const char *slash;
    size_t i;

    if (name == NULL) {
        return false;
    }
    slash = strrchr(name, '/');
    name = slash != NULL ? slash + 1 : name;
    slash = strrchr(name, '\\');
    name = slash != NULL ? slash + 1 : name;
    for (i = 0; name[i] != '\0'; i++) {
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) {
            return false;
        }
    }
    *out = name;
    return i > 0 && i <= FSE_STORE_NOTE_MAX_FILE_NAME && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

/* The body {"title", "text"?, "file"?: {"name", "content_type", "data"}}
 * into n and the decoded file; a reason in why when refused. */
static bool parse_note(fse_store_note *n, uint8_t **file, size_t *file_len, json_t *body, char *why,
                       size_t why_len)
{
    json_t *f = json_object_get(body, "file");
    json_t *text = json_object_get(body, "text");
    const char *data;

    n->title = json_string_value(json_object_get(body, "title"));
    n->text = json_string_value(text);
    if (n->title == NULL || n->title[0] == '\0' || strlen(n->title) > FSE_STORE_NOTE_MAX_TITLE) {
        snprintf(why, why_len, "'title' obbligatorio, al massimo %u byte",
                 FSE_STORE_NOTE_MAX_TITLE);
        return false;
    }
    if ((text != NULL && !json_is_string(text) && !json_is_null(text)) ||
        (n->text != NULL && strlen(n->text) > FSE_STORE_NOTE_MAX_TEXT)) {
        snprintf(why, why_len, "'text' deve essere una stringa di al massimo %u byte",
                 FSE_STORE_NOTE_MAX_TEXT);
        return false;
    }
    if (f == NULL || json_is_null(f)) {
        return true;
    }
    n->file_type = json_string_value(json_object_get(f, "content_type"));
    data = json_string_value(json_object_get(f, "data"));
    if (!json_is_object(f) ||
        !base_name(&n->file_name, json_string_value(json_object_get(f, "name")))) {
        snprintf(why, why_len, "'file' deve avere 'name', 'content_type' e 'data' (base64)");
        return false;
    }
    if (!file_type_ok(n->file_type)) {
        snprintf(why, why_len, "Tipo di file non ammesso: PDF, PNG, JPEG o testo");
        return false;
    }
    if (data == NULL || !b64_decode(file, file_len, data, FSE_STORE_NOTE_MAX_FILE) ||
        *file_len == 0) {
        snprintf(why, why_len, "'file.data' deve essere base64 di 1..%u byte",
                 FSE_STORE_NOTE_MAX_FILE);
        return false;
    }
    return true;
}

fse_err fse_consult__taccuino_post(cs_ctx *ctx)
{
    char id[FSE_STORE_NOTE_ID_LEN];
    char why[200];
    char reason[64];
    fse_store_note n;
    fse_store_note_list *l = NULL;
    json_t *body = NULL;
    uint8_t *file = NULL;
    size_t file_len = 0;
    fse_buf out;
    fse_json w;
    fse_err rc;

    memset(&n, 0, sizeof(n));
    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_OBSCURE) || !fse_consult__body(ctx, &body)) {
        return FSE_OK;
    }
    if (!parse_note(&n, &file, &file_len, body, why, sizeof(why))) {
        json_decref(body);
        fse_free(file);
        return fse_consult__fail(ctx, 400, why);
    }
    n.author_id = ctx->actor;
    n.author_role = ctx->role;
    n.created_ms = ctx->now_ms;
    rc = fse_store_note_add(ctx->store, ctx->patient, &n, file, file_len, id);
    json_decref(body);
    fse_free(file);
    if (rc == FSE_E_LIMIT) {
        return fse_consult__fail(ctx, 409, "Il taccuino e' pieno: elimina qualche nota");
    }
    if (rc == FSE_OK) {
        rc = fse_store_note_get(&l, ctx->store, ctx->patient, id, false);
    }
    if (rc != FSE_OK) {
        return fse_consult__internal(ctx, "taccuino add");
    }
    fse_consult__json_begin(&out, &w);
    note_json(&w, &l->items[0]);
    fse_store_note_list_free(l);
    snprintf(reason, sizeof(reason), "taccuino note=%s added", id);
    return done(ctx, reason, 201, &w, &out);
}

/* ---- One note ----------------------------------------------------------- */

/* A file name fit for a Content-Disposition header: ASCII letters, digits,
 * dot, dash and underscore; anything else becomes '_'. */
static void header_name(char *out, size_t cap, const char *name)
{
    size_t i;

    for (i = 0; i + 1 < cap && name != NULL && name[i] != '\0'; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == '_';

        out[i] = ok ? c : '_';
    }
    out[i] = '\0';
    if (i == 0 || out[0] == '.') {
        snprintf(out, cap, "allegato");
    }
}

fse_err fse_consult__taccuino_file(cs_ctx *ctx)
{
    const char *note_id = fse_http_req_param(ctx->req, "id");
    fse_store_note_list *l = NULL;
    const fse_store_note *n;
    char disposition[FSE_STORE_NOTE_MAX_FILE_NAME + 64];
    char name[FSE_STORE_NOTE_MAX_FILE_NAME + 1];
    char reason[64];
    fse_err rc;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_OBSCURE)) {
        return FSE_OK;
    }
    rc = fse_store_note_get(&l, ctx->store, ctx->patient, note_id, true);
    if (rc == FSE_E_NOT_FOUND || (rc == FSE_OK && l->items[0].file == NULL)) {
        fse_store_note_list_free(l);
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, "not-found");
        return fse_consult__not_found(ctx);
    }
    if (rc != FSE_OK) {
        return fse_consult__internal(ctx, "taccuino file");
    }
    n = &l->items[0];
    snprintf(reason, sizeof(reason), "taccuino note=%s file", n->id);
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, reason)) {
        fse_store_note_list_free(l);
        return fse_consult__internal(ctx, "audit");
    }
    header_name(name, sizeof(name), n->file_name);
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", name);
    /* The patient's own upload: downloaded, never run as a page. */
    rc = fse_http_set_header(ctx->req, "Content-Disposition", disposition);
    if (rc == FSE_OK) {
        rc =
            fse_http_set_header(ctx->req, "Content-Security-Policy", "sandbox; default-src 'none'");
    }
    if (rc == FSE_OK) {
        ctx->answered = true;
        rc = fse_http_respond(ctx->req, 200, n->file_type, n->file, n->file_len);
    }
    fse_store_note_list_free(l);
    return rc;
}

fse_err fse_consult__taccuino_delete(cs_ctx *ctx)
{
    const char *note_id = fse_http_req_param(ctx->req, "id");
    char reason[64];
    fse_err rc;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_OBSCURE)) {
        return FSE_OK;
    }
    rc = fse_store_note_delete(ctx->store, ctx->patient, note_id);
    if (rc == FSE_E_NOT_FOUND) {
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, "not-found");
        return fse_consult__not_found(ctx);
    }
    if (rc != FSE_OK) {
        return fse_consult__internal(ctx, "taccuino delete");
    }
    snprintf(reason, sizeof(reason), "taccuino note=%.32s deleted", note_id);
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, reason)) {
        return fse_consult__internal(ctx, "audit");
    }
    ctx->answered = true;
    return fse_http_respond(ctx->req, 204, NULL, NULL, 0);
}
