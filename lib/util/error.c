/*
 * lib/util/error.c - the fse_err texts and the thread-local last-error record.
 *
 * Owns the per-thread fse_error_info. Callers set it through fse_error_set
 * and read it through fse_error_last (include/fse/error.h).
 */
#include "fse/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local fse_error_info last_error;

static const char *const error_texts[] = {
    [FSE_OK] = "no error",
    [FSE_E_NOMEM] = "out of memory",
    [FSE_E_ARG] = "invalid argument",
    [FSE_E_IO] = "input/output error",
    [FSE_E_PARSE] = "malformed input",
    [FSE_E_NOT_FOUND] = "not found",
    [FSE_E_CONFLICT] = "conflict with stored state",
    [FSE_E_DENIED] = "access denied",
    [FSE_E_AUTH] = "authentication failed",
    [FSE_E_LIMIT] = "limit exceeded",
    [FSE_E_DB] = "storage error",
    [FSE_E_CRYPTO] = "cryptographic error",
    [FSE_E_INTERNAL] = "internal error",
    [FSE_E_UNSUPPORTED] = "unsupported feature",
};

const char *fse_strerror(fse_err code)
{
    if ((unsigned)code >= sizeof(error_texts) / sizeof(error_texts[0]) ||
        error_texts[code] == NULL) {
        return "unknown error";
    }
    return error_texts[code];
}

fse_err fse_error_set(fse_err code, const char *module, const char *fmt, ...)
{
    va_list ap;

    last_error.code = code;
    last_error.module = module != NULL ? module : "fse";
    va_start(ap, fmt);
    vsnprintf(last_error.message, sizeof(last_error.message), fmt, ap);
    va_end(ap);
    return code;
}

fse_err fse_error_prefix(const char *module)
{
    size_t prefix_len = strlen(module) + 2;
    size_t old_len = strlen(last_error.message);

    if (prefix_len >= sizeof(last_error.message)) {
        return last_error.code;
    }
    if (old_len > sizeof(last_error.message) - 1 - prefix_len) {
        old_len = sizeof(last_error.message) - 1 - prefix_len;
    }
    memmove(last_error.message + prefix_len, last_error.message, old_len);
    memcpy(last_error.message, module, prefix_len - 2);
    memcpy(last_error.message + prefix_len - 2, ": ", 2);
    last_error.message[prefix_len + old_len] = '\0';
    return last_error.code;
}

const fse_error_info *fse_error_last(void)
{
    return &last_error;
}

void fse_error_clear(void)
{
    memset(&last_error, 0, sizeof(last_error));
}
