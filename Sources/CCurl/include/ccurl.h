#ifndef CCURL_H
#define CCURL_H

// Typed, non-variadic wrappers around the few libcurl calls the outbox needs.
// curl_easy_setopt/getinfo are variadic, so Swift cannot call them directly.
// A `ccurl_request` owns everything curl points at (recipient list, headers, upload
// bytes, response bytes), so Swift never has to keep C memory alive across calls.

#include <stddef.h>

typedef struct ccurl_request ccurl_request;

/// Once per process, before any thread starts a request (curl_global_init is not thread-safe).
int ccurl_global_init(void);

/// A fresh easy handle (NOSIGNAL on: no SIGALRM for DNS timeouts). NULL when out of memory.
ccurl_request *ccurl_request_new(void);
void ccurl_request_free(ccurl_request *request);

// Each setter returns a CURLcode (0 = CURLE_OK). Strings are copied by libcurl or by us.
int ccurl_set_url(ccurl_request *request, const char *url);
int ccurl_set_timeouts_ms(ccurl_request *request, long connect_ms, long total_ms);
int ccurl_set_credentials(ccurl_request *request, const char *user, const char *password);
/// 0 = no TLS, 1 = TLS required (STARTTLS on smtp://, implicit on smtps://).
int ccurl_set_require_tls(ccurl_request *request, int required);

// SMTP
int ccurl_set_mail_from(ccurl_request *request, const char *address);
int ccurl_add_mail_rcpt(ccurl_request *request, const char *address);

// HTTP
int ccurl_add_header(ccurl_request *request, const char *header_line);
/// POST with this body (copied).
int ccurl_set_post_body(ccurl_request *request, const char *bytes, size_t length);

/// The bytes sent as the upload (the SMTP message: CRLF lines, dot-stuffing done by curl). Copied.
int ccurl_set_upload(ccurl_request *request, const char *bytes, size_t length);

/// Runs the transfer. Returns a CURLcode; on failure `ccurl_error_message` says why.
int ccurl_perform(ccurl_request *request);
/// Last response code from the server (HTTP status or SMTP reply code), 0 if none.
long ccurl_response_code(ccurl_request *request);
/// The response body collected by an HTTP request (not NUL-terminated; see length).
const char *ccurl_response_body(ccurl_request *request, size_t *length);
/// A readable message for the last failure (curl's error buffer or strerror of the code).
const char *ccurl_error_message(ccurl_request *request, int code);

/// True for CURLcodes that describe the network or the peer being unreachable or slow,
/// i.e. worth retrying later (connect refused, DNS, timeouts, resets).
int ccurl_code_is_transient(int code);
/// True for CURLcodes that mean our TLS or login settings were refused (fix the config, then retry).
int ccurl_code_is_configuration(int code);

#endif
