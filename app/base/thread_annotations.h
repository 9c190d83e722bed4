// SPDX-License-Identifier: MPL-2.0
// Clang thread-safety annotations; no-ops elsewhere.
#pragma once

#if defined(__clang__)
#define CB_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CB_THREAD_ANNOTATION(x)
#endif

#define CB_GUARDED_BY(x) CB_THREAD_ANNOTATION(guarded_by(x))
#define CB_REQUIRES(...) CB_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define CB_EXCLUDES(...) CB_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
