/*
 * include/fse/util.h - allocation, growable buffers and file reading shared
 * by the library and the tool.
 *
 * Owns the single allocator (with fault injection for tests) and fse_buf.
 * Does not own JSON output (fse/json.h) or logging (fse/log.h).
 */
#ifndef FSE_UTIL_H
#define FSE_UTIL_H

#include "fse/common.h"
#include "fse/error.h"

/* Every allocation of the library goes through these. fse_free(NULL) is a no-op. */
FSE_API void *fse_malloc(size_t n);
FSE_API void *fse_calloc(size_t count, size_t size);
FSE_API void *fse_realloc(void *p, size_t n);
FSE_API void fse_free(void *p);
/* Copy of the first n bytes of s plus a NUL; NULL on allocation failure. */
FSE_API char *fse_strndup(const char *s, size_t n);
FSE_API char *fse_strdup(const char *s);

/*
 * Test hook: make the Nth allocation from now fail (0 disables). Process-wide;
 * only for single-threaded tests.
 */
FSE_API void fse_alloc_fail_at(unsigned long nth);

/* A growable byte buffer with a hard maximum size. data is always NUL-terminated. */
typedef struct fse_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* appends past this fail with FSE_E_LIMIT */
} fse_buf;

FSE_API void fse_buf_init(fse_buf *b, size_t max);
FSE_API fse_err fse_buf_append(fse_buf *b, const void *data, size_t len);
FSE_API fse_err fse_buf_append_str(fse_buf *b, const char *s);
FSE_API fse_err fse_buf_printf(fse_buf *b, const char *fmt, ...) FSE_PRINTF(2, 3);
FSE_API void fse_buf_reset(fse_buf *b);
/* Hand the data to the caller (free with fse_free) and reset the buffer. */
FSE_API char *fse_buf_steal(fse_buf *b, size_t *len_out);
FSE_API void fse_buf_free(fse_buf *b);

/*
 * Read a whole file into *data_out (NUL-terminated, caller frees with fse_free).
 * Files over max bytes fail with FSE_E_LIMIT without being read whole.
 */
FSE_API fse_err fse_file_read(const char *path, size_t max, uint8_t **data_out, size_t *len_out);

/* Lowercase hex of len bytes into out (2*len+1 bytes). */
FSE_API void fse_hex_encode(char *out, const uint8_t *data, size_t len);

#endif /* FSE_UTIL_H */
