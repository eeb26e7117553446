/*
 * lib/web/web_int.h - internals shared by the files of the web module.
 *
 * Owns the module's limits, the fse_web and session structures and the
 * prototypes tying the files together:
 *   web.c          lifecycle, options, clock, logging, route registration
 *   web_session.c  the session table: ids, CSRF tokens, lookup, expiry,
 *                  eviction, constant-time comparisons, wiping
 *   web_routes.c   /web/session handlers, the cookie, the consult hook
 * The public API is fse/web.h; the contract docs/web.md.
 */
#ifndef FSE_WEB_INT_H
#define FSE_WEB_INT_H

#include <pthread.h>

#include "fse/http.h"
#include "fse/util.h"
#include "fse/web.h"

#define FSE_WEB_MODULE "web"

/* ---- Limits ------------------------------------------------------------- */

#define WEB_DEFAULT_SESSIONS 4096u
#define WEB_DEFAULT_IDLE_S 900u
#define WEB_DEFAULT_LIFETIME_S (8u * 3600u)
#define WEB_DEFAULT_ASSET_AGE_S (24u * 3600u)
/* Session ids and CSRF tokens: 256 random bits, base64url without padding. */
#define WEB_TOKEN_BYTES 32u
#define WEB_TOKEN_CHARS 43u
/* A person's code: a codice fiscale (16) or a temporary code (11). */
#define WEB_MAX_PERSON 16u
/* Roles, purposes and region codes are short words of the token tables. */
#define WEB_MAX_WORD 15u
/* Longest facility (an XON with name, OID and id) kept for a context change. */
#define WEB_MAX_LOCALITY 255u
/* Longest token accepted from the identity provider (each of the pair). */
#define WEB_MAX_TOKEN (16u * 1024u)
/* A session's pair is not used in its last seconds: a request must not
 * start with a pair that expires before lib/consult checks it. */
#define WEB_PAIR_MARGIN_S 30
/* Largest answer of /web/session. */
#define WEB_MAX_ANSWER (8u * 1024u)

/* ---- Sessions ----------------------------------------------------------- */

/* What a session is about: the login, copied. */
typedef struct web_ident {
    char cf[WEB_MAX_PERSON + 1];
    char role[WEB_MAX_WORD + 1];
    char patient[WEB_MAX_PERSON + 1];
    char purpose[WEB_MAX_WORD + 1];
    char organization[WEB_MAX_WORD + 1];
    char locality[WEB_MAX_LOCALITY + 1]; /* "" : the provider's choice */
} web_ident;

typedef struct web_session {
    bool used;
    uint8_t key[32]; /* SHA-256 of the id: the id itself is never kept */
    char csrf[WEB_TOKEN_CHARS + 1];
    web_ident ident;
    char *auth; /* the token pair (fse_malloc'd, wiped when freed) */
    char *sig;
    int64_t created_ms;
    int64_t last_ms;    /* last request */
    int64_t expires_ms; /* min(lifetime, the pair's expiry less the margin) */
    int32_t next;       /* hash chain; -1: end */
} web_session;

/* A snapshot of a session given to a handler (no tokens). */
typedef struct web_view {
    char csrf[WEB_TOKEN_CHARS + 1];
    web_ident ident;
    int64_t created_ms, expires_ms, idle_until_ms;
} web_view;

struct fse_web {
    char *static_dir;
    fse_web_idp_fn idp;
    void *idp_ud;
    unsigned idle_s;
    unsigned lifetime_s;
    unsigned asset_age_s;
    bool secure_cookie;
    fse_web_clock_fn clock;
    void *clock_ud;
    fse_http_log_fn log;
    void *log_ud;
    /* CACHE: the session table (docs/architecture.md); guarded by lock;
     * bound: cap sessions, the longest idle one is evicted when full, an
     * expired one is removed when met. */
    pthread_mutex_t lock;
    web_session *slots;
    size_t cap;
    int32_t *buckets; /* heads of the hash chains, n_buckets (a power of 2) */
    size_t n_buckets;
    size_t n_used;
};

int64_t fse_web__now_ms(const fse_web *w);
void fse_web__log(const fse_web *w, fse_http_log_level level, const char *fmt, ...)
    FSE_PRINTF(3, 4);

/* Allocate the table of w->cap sessions. */
fse_err fse_web__table_init(fse_web *w);
/* Wipe and free every session and the table. */
void fse_web__table_free(fse_web *w);

/*
 * Create a session for ident with the pair (ownership of auth and sig moves
 * to the table, also on failure) valid for ttl_s; *id_out gets the new
 * session id (the cookie value) and *view_out its snapshot. When the table
 * is full, expired sessions are dropped, then the longest idle one.
 */
fse_err fse_web__session_create(fse_web *w, const web_ident *ident, char *auth, char *sig,
                                int64_t ttl_s, char id_out[WEB_TOKEN_CHARS + 1],
                                web_view *view_out);

/* Find the live session of cookie value id, touch it and fill *view_out
 * (NULL: not wanted) and, when auth_out is not NULL, copies of its pair.
 * FSE_E_NOT_FOUND: none (a malformed, unknown or expired id). */
fse_err fse_web__session_get(fse_web *w, const char *id, web_view *view_out, char **auth_out,
                             char **sig_out);

/* Replace the session's context (ident) and pair (ownership moves, also on
 * failure). FSE_E_NOT_FOUND when the session ended meanwhile. */
fse_err fse_web__session_update(fse_web *w, const char *id, const web_ident *ident, char *auth,
                                char *sig, int64_t ttl_s, web_view *view_out);

/* End the session of id (no-op when there is none). */
void fse_web__session_end(fse_web *w, const char *id);

/* Live sessions. */
size_t fse_web__session_count(fse_web *w);

/* Constant-time equality of two NUL-terminated tokens (the length is not
 * secret: every token has WEB_TOKEN_CHARS characters). */
bool fse_web__token_equal(const char *a, const char *b);

/* Wipe and free a token (NULL: no-op). */
void fse_web__token_free(char *t);

/* ---- Handlers (web_routes.c); ud is the fse_web ------------------------ */

fse_err fse_web__login(fse_http_req *req, void *ud);   /* POST /web/session */
fse_err fse_web__whoami(fse_http_req *req, void *ud);  /* GET /web/session */
fse_err fse_web__logout(fse_http_req *req, void *ud);  /* DELETE /web/session */
fse_err fse_web__context(fse_http_req *req, void *ud); /* PUT /web/session/context */

#endif /* FSE_WEB_INT_H */
