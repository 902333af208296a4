#ifndef CZLIB_H
#define CZLIB_H

// zlib's init functions are macros (they pass the library version and the struct size), which Swift cannot call:
// these wrappers can be. No logic lives here.

#include <zlib.h>

/// deflateInit2 for a gzip stream (header and trailer), at `level` (1-9).
static inline int cz_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/// inflateInit2 for a gzip stream (15 + 16: gzip only, no zlib or raw deflate).
static inline int cz_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}

#endif
