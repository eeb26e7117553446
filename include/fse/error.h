/*
 * include/fse/error.h - the one error type of the fse library.
 *
 * Owns the fse_err codes, their static text, and the thread-local record that
 * carries the detail message of the last failure. Findings about a document
 * (XSD, schematron, terminology) are not errors: they are data in a report
 * (see fse/validate.h).
 */
#ifndef FSE_ERROR_H
#define FSE_ERROR_H

#include "fse/common.h"

/* Error codes. Never renumbered; a retired code stays reserved. */
typedef enum fse_err {
    FSE_OK = 0,
    FSE_E_NOMEM = 1,       /* an allocation failed */
    FSE_E_ARG = 2,         /* a caller passed an invalid argument */
    FSE_E_IO = 3,          /* reading or writing a file failed */
    FSE_E_PARSE = 4,       /* malformed input (XML, PDF, JSON, rules) */
    FSE_E_NOT_FOUND = 5,   /* the thing asked for does not exist */
    FSE_E_CONFLICT = 6,    /* the request contradicts stored state */
    FSE_E_DENIED = 7,      /* policy refuses the access */
    FSE_E_AUTH = 8,        /* authentication failed (token, signature) */
    FSE_E_LIMIT = 9,       /* input over a configured or hard limit */
    FSE_E_DB = 10,         /* the storage backend failed */
    FSE_E_CRYPTO = 11,     /* a cryptographic operation failed */
    FSE_E_INTERNAL = 12,   /* a bug: an invariant did not hold */
    FSE_E_UNSUPPORTED = 13 /* valid input using a feature not implemented */
} fse_err;

/* Maximum length of a detail message, terminating NUL included. */
#define FSE_ERROR_MSG_MAX 512

/* The detail of the last failure on this thread. */
typedef struct fse_error_info {
    fse_err code;
    const char *module; /* static string: "xml", "pdf", ... */
    char message[FSE_ERROR_MSG_MAX];
} fse_error_info;

/* Static English text for a code; never NULL. */
FSE_API const char *fse_strerror(fse_err code);

/*
 * Record a failure on this thread and return its code, so a caller can write
 * `return fse_error_set(FSE_E_PARSE, "xml", "line %d: ...", n);`.
 * The message is truncated to FSE_ERROR_MSG_MAX - 1 bytes.
 */
FSE_API fse_err fse_error_set(fse_err code, const char *module, const char *fmt, ...)
    FSE_PRINTF(3, 4);

/*
 * Prefix the current message with "<module>: " (when passing a failure up
 * across modules) and return the current code unchanged.
 */
FSE_API fse_err fse_error_prefix(const char *module);

/* The last failure recorded on this thread. Read it only after a failure. */
FSE_API const fse_error_info *fse_error_last(void);

/* Forget the last failure on this thread. */
FSE_API void fse_error_clear(void);

#endif /* FSE_ERROR_H */
