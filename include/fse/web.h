/*
 * include/fse/web.h - the node's web pages: browser sessions standing in
 * for the token headers, the login through an identity provider, and the
 * static pages of web/ with their security headers (docs/web.md).
 *
 * Owns the session table (random 256-bit ids kept only as SHA-256, a CSRF
 * token per session, absolute expiry and idle timeout, bounded in memory),
 * the routes /web/session (login, who is logged in, change of context,
 * logout), the session cookie, the hook lib/consult calls for a request
 * without token headers (fse_web_consult_session, an
 * fse_consult_session_fn), and the static route of the pages with the
 * pages' Content-Security-Policy and caching. It does not own who a person
 * is (the identity provider callback: `fse demo` plugs its demo provider, a
 * deployment its SPID/CIE bridge), the tokens' checks or any decision
 * (lib/consult, lib/policy) nor the transport (fse/http.h).
 *
 * Threading: fse_web_new and fse_web_routes run before the server starts;
 * afterwards the object is shared by the server's worker threads (the
 * session table has its own lock).
 */
#ifndef FSE_WEB_H
#define FSE_WEB_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/http.h"

typedef struct fse_web fse_web; /* opaque */

/* Name of the session cookie. */
#define FSE_WEB_COOKIE "fse_session"
/* Header carrying the session's CSRF token on every method but GET/HEAD. */
#define FSE_WEB_CSRF_HEADER "X-CSRF-Token"
/* The pages' Content-Security-Policy (docs/web.md): no inline script or
 * style, nothing from another origin. */
#define FSE_WEB_CSP                                                                                \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "object-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"

/* Who logs in, and for which patient and purpose (the body of POST
 * /web/session). Strings are borrowed for the duration of the call. */
typedef struct fse_web_login {
    const char *cf;           /* the person (codice fiscale), upper case */
    const char *role;         /* subject_role: ASS, TUT, GEN, ING, APR, AAS, ... */
    const char *patient;      /* person_id: the patient the session is about */
    const char *purpose;      /* purpose_of_use: PERSONAL, TREATMENT, EMERGENCY, ... */
    const char *organization; /* subject_organization_id (region code) */
    const char *locality;     /* the facility; NULL: the provider's choice */
} fse_web_login;

/*
 * The identity provider: authenticate the person behind req (a real one
 * reads its assertion from the request; the demo's trusts the form) and
 * issue the consultation token pair of login (docs/consult.md "Tokens").
 * Called for a login and for a change of context (same person, new patient
 * or purpose). On FSE_OK *auth_out and *sig_out are fse_malloc'd tokens
 * (the web module wipes and frees them) valid for *ttl_s_out seconds.
 * Return FSE_E_AUTH or FSE_E_DENIED to refuse (403), FSE_E_ARG or
 * FSE_E_PARSE for a bad request (400, the message is shown); anything else
 * is a 500. Called on a server worker thread, possibly several at once.
 */
typedef fse_err (*fse_web_idp_fn)(void *ud, fse_http_req *req, const fse_web_login *login,
                                  char **auth_out, char **sig_out, int64_t *ttl_s_out);

/* The clock: Unix milliseconds, UTC. */
typedef int64_t (*fse_web_clock_fn)(void *ud);

#define FSE_WEB_OPTS_VERSION 1

/* Hard caps of the options (values over them are refused with FSE_E_ARG). */
#define FSE_WEB_MAX_SESSIONS 65536u
#define FSE_WEB_MAX_LIFETIME_S (24u * 3600u)

/* Options of fse_web_new. Zero means the default noted. Strings are copied. */
typedef struct fse_web_opts {
    unsigned version; /* FSE_WEB_OPTS_VERSION */

    const char *static_dir; /* the pages (web/); NULL: no pages, sessions only */
    fse_web_idp_fn idp;     /* NULL: login answers 501 */
    void *idp_ud;

    unsigned max_sessions;    /* 0: 4096; the longest idle session makes room when full */
    unsigned idle_timeout_s;  /* 0: 900 (15 minutes without a request) */
    unsigned lifetime_s;      /* 0: 8 hours; a session also ends with its token pair */
    bool secure_cookie;       /* the cookie's Secure attribute: set it when serving TLS */
    unsigned asset_max_age_s; /* versioned assets (?v=); 0: one day */

    fse_web_clock_fn clock; /* NULL: the real clock */
    void *clock_ud;
    fse_http_log_fn log; /* NULL: events dropped */
    void *log_ud;
} fse_web_opts;

#define FSE_WEB_OPTS_INIT                                                                          \
    {                                                                                              \
        .version = FSE_WEB_OPTS_VERSION                                                            \
    }

/*
 * Build the web module. *out is caller-owned (fse_web_free).
 * @return FSE_OK; FSE_E_ARG (bad version or an option over its cap);
 *         FSE_E_IO (static_dir is not a readable directory); FSE_E_NOMEM.
 */
FSE_API fse_err fse_web_new(fse_web **out, const fse_web_opts *opts);

/*
 * Add POST/GET/DELETE /web/session and PUT /web/session/context, then the
 * pages at "/" (when static_dir was given). Register it after every other
 * route of srv: the pages answer any GET no earlier route took. w must
 * outlive srv. Errors as fse_http_server_route.
 */
FSE_API fse_err fse_web_routes(fse_web *w, fse_http_server *srv);

/*
 * The session of a request without token headers, as lib/consult asks for
 * it (an fse_consult_session_fn; ud is the fse_web). On FSE_OK *auth_out and
 * *sig_out (caller frees with fse_free) are the session's token pair and
 * *csrf_ok tells whether the request carries the session's CSRF token (and
 * no foreign Origin); the answer may then be framed by the pages
 * (frame-ancestors 'self'), so that a page shows a document's PDF inline.
 * FSE_E_NOT_FOUND: no cookie, unknown or expired session. Thread-safe.
 */
FSE_API fse_err fse_web_consult_session(void *ud, fse_http_req *req, char **auth_out,
                                        char **sig_out, bool *csrf_ok);

/* Number of live sessions (expired ones are not counted). Thread-safe. */
FSE_API size_t fse_web_session_count(fse_web *w);

/* Free everything, wiping the tokens. The server must have been stopped
 * first. NULL: no-op. */
FSE_API void fse_web_free(fse_web *w);

#endif /* FSE_WEB_H */
