#include "ccurl.h"
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

// Responses larger than this are cut: an SMS provider answers with a few hundred bytes.
#define CCURL_MAX_RESPONSE (1024 * 1024)

struct ccurl_request {
    CURL *easy;
    struct curl_slist *recipients;
    struct curl_slist *headers;
    char *upload;
    size_t upload_length;
    size_t upload_offset;
    char *post_body;
    char *response;
    size_t response_length;
    char error[CURL_ERROR_SIZE];
};

int ccurl_global_init(void) {
    return (int)curl_global_init(CURL_GLOBAL_DEFAULT);
}

ccurl_request *ccurl_request_new(void) {
    ccurl_request *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->easy = curl_easy_init();
    if (!r->easy) {
        free(r);
        return NULL;
    }
    curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->error);
    return r;
}

void ccurl_request_free(ccurl_request *r) {
    if (!r) return;
    curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->recipients);
    curl_slist_free_all(r->headers);
    free(r->upload);
    free(r->post_body);
    free(r->response);
    free(r);
}

int ccurl_set_url(ccurl_request *r, const char *url) {
    return (int)curl_easy_setopt(r->easy, CURLOPT_URL, url);
}

int ccurl_set_timeouts_ms(ccurl_request *r, long connect_ms, long total_ms) {
    CURLcode c = curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    if (c != CURLE_OK) return (int)c;
    return (int)curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, total_ms);
}

int ccurl_set_credentials(ccurl_request *r, const char *user, const char *password) {
    CURLcode c = curl_easy_setopt(r->easy, CURLOPT_USERNAME, user);
    if (c != CURLE_OK) return (int)c;
    return (int)curl_easy_setopt(r->easy, CURLOPT_PASSWORD, password);
}

int ccurl_set_require_tls(ccurl_request *r, int required) {
    return (int)curl_easy_setopt(r->easy, CURLOPT_USE_SSL, required ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
}

int ccurl_set_mail_from(ccurl_request *r, const char *address) {
    return (int)curl_easy_setopt(r->easy, CURLOPT_MAIL_FROM, address);
}

int ccurl_add_mail_rcpt(ccurl_request *r, const char *address) {
    struct curl_slist *list = curl_slist_append(r->recipients, address);
    if (!list) return (int)CURLE_OUT_OF_MEMORY;
    r->recipients = list;
    return (int)curl_easy_setopt(r->easy, CURLOPT_MAIL_RCPT, r->recipients);
}

int ccurl_add_header(ccurl_request *r, const char *header_line) {
    struct curl_slist *list = curl_slist_append(r->headers, header_line);
    if (!list) return (int)CURLE_OUT_OF_MEMORY;
    r->headers = list;
    return (int)curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
}

int ccurl_set_post_body(ccurl_request *r, const char *bytes, size_t length) {
    free(r->post_body);
    r->post_body = malloc(length ? length : 1);
    if (!r->post_body) return (int)CURLE_OUT_OF_MEMORY;
    memcpy(r->post_body, bytes, length);
    CURLcode c = curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)length);
    if (c != CURLE_OK) return (int)c;
    return (int)curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->post_body);
}

static size_t read_upload(char *buffer, size_t size, size_t count, void *userdata) {
    ccurl_request *r = userdata;
    size_t room = size * count;
    size_t left = r->upload_length - r->upload_offset;
    size_t n = left < room ? left : room;
    memcpy(buffer, r->upload + r->upload_offset, n);
    r->upload_offset += n;
    return n;
}

int ccurl_set_upload(ccurl_request *r, const char *bytes, size_t length) {
    free(r->upload);
    r->upload = malloc(length ? length : 1);
    if (!r->upload) return (int)CURLE_OUT_OF_MEMORY;
    memcpy(r->upload, bytes, length);
    r->upload_length = length;
    r->upload_offset = 0;
    CURLcode c = curl_easy_setopt(r->easy, CURLOPT_READFUNCTION, read_upload);
    if (c != CURLE_OK) return (int)c;
    c = curl_easy_setopt(r->easy, CURLOPT_READDATA, r);
    if (c != CURLE_OK) return (int)c;
    c = curl_easy_setopt(r->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)length);
    if (c != CURLE_OK) return (int)c;
    return (int)curl_easy_setopt(r->easy, CURLOPT_UPLOAD, 1L);
}

static size_t write_response(char *data, size_t size, size_t count, void *userdata) {
    ccurl_request *r = userdata;
    size_t n = size * count;
    if (r->response_length + n > CCURL_MAX_RESPONSE) return n; // keep the head, drop the rest
    char *grown = realloc(r->response, r->response_length + n + 1);
    if (!grown) return 0; // makes curl fail with CURLE_WRITE_ERROR
    memcpy(grown + r->response_length, data, n);
    r->response = grown;
    r->response_length += n;
    r->response[r->response_length] = 0;
    return n;
}

int ccurl_perform(ccurl_request *r) {
    r->error[0] = 0;
    r->response_length = 0;
    r->upload_offset = 0;
    curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, write_response);
    curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
    return (int)curl_easy_perform(r->easy);
}

long ccurl_response_code(ccurl_request *r) {
    long code = 0;
    if (curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) return 0;
    return code;
}

const char *ccurl_response_body(ccurl_request *r, size_t *length) {
    *length = r->response_length;
    return r->response ? r->response : "";
}

const char *ccurl_error_message(ccurl_request *r, int code) {
    if (r->error[0]) return r->error;
    return curl_easy_strerror((CURLcode)code);
}

int ccurl_code_is_transient(int code) {
    switch ((CURLcode)code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_AGAIN:
        return 1;
    default:
        return 0;
    }
}

int ccurl_code_is_configuration(int code) {
    switch ((CURLcode)code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_AUTH_ERROR:
        return 1;
    default:
        return 0;
    }
}
