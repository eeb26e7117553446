/*
 * include/fse/common.h - macros shared by every public header: symbol
 * visibility and printf-format checking. Owns nothing else.
 */
#ifndef FSE_COMMON_H
#define FSE_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(__GNUC__)
#define FSE_API __attribute__((visibility("default")))
#define FSE_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define FSE_API
#define FSE_PRINTF(fmt, args)
#endif

#endif /* FSE_COMMON_H */
