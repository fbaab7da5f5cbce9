#ifndef QPDF_SCAN_H
#define QPDF_SCAN_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What qpdf found in one document. Facts only: the caller decides what is refused.
typedef struct {
    int parsed;            /* 1 when qpdf read the whole document (catalogue, pages, every object) */
    int needs_password;    /* 1 when it could not be opened without a password */
    int encrypted;         /* 1 when it has an /Encrypt dictionary (even with an empty user password) */
    size_t warnings;       /* problems qpdf worked around (damage it tolerated) */
    int decoded_over_limit;/* 1 when the decoded streams passed decoded_limit (decoding stopped there) */
    uint64_t decoded_bytes;/* decoded bytes counted, at most a chunk past the limit */
    uint64_t found_mask;   /* bit i: names[i] appeared as a dictionary key or a name value */
    char error[256];       /* qpdf's message when parsed == 0 */
} qpdf_scan_report;

/// Reads `data` with qpdf (no recovery), walks every object of the cross-reference table, and
/// pipes each stream through qpdf's decoders into a counter that stops past `decoded_limit`.
/// `names` (at most 64, PDF names with their slash, e.g. "/JavaScript") are looked for in
/// every dictionary key and name value; qpdf has already resolved #xx escapes in names.
/// Never throws; returns 0.
int qpdf_scan(const unsigned char *data, size_t length, const char *const *names, size_t name_count,
              uint64_t decoded_limit, qpdf_scan_report *report);

#ifdef __cplusplus
}
#endif
#endif
