/* The benchmark's C baseline (issue 10): the speed of light of this architecture.
 *
 * A libfcgi + libpq program behind the same nginx as the app, on its own unix socket. Like the
 * app (Sources/HTTP/FastCGIServer.swift) it runs N threads (4) in one process, each with its own
 * FCGX_Accept_r loop and its own PostgreSQL connection. It answers:
 *   /__baseline/               the home page's HTML, a constant read from HOME_FILE at start;
 *   /__baseline/usager/espace  the applicant's space for the `session` cookie: the app's three
 *                              statements (session touch, applicant, documents), prepared once
 *                              per connection, and a page built around them with every value
 *                              HTML-escaped. The page's frame (everything before <h1> and from
 *                              </main>) is the app's own page, read from SPACE_FILE at start,
 *                              so both pages weigh about the same.
 *   /__baseline/pro/suivi      the professional dashboard for a staff `session` cookie: the app's
 *                              seven statements (session touch, staff member, count, a page of 50
 *                              people, their documents, their failed notifications, the audit
 *                              row), the same flags computed from the rows, and the people's list
 *                              escaped inside the app's own page read from PRO_FILE, so a list
 *                              page is compared with a list page of the same weight.
 * Every answer carries the app's security headers. Built and run by scripts/bench.sh only.
 *
 * usage: baseline SOCKET CONNINFO HOME_FILE SPACE_FILE PRO_FILE [THREADS] [IDLE_SECONDS]
 */
#include <fcgiapp.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *conninfo;
static int listen_fd;
static char idle_seconds[16] = "1800";
static char *home;
static size_t home_len;
static char *space_head, *space_tail; /* the app's page around the part built per request */
static size_t space_head_len, space_tail_len;
static char *pro_head, *pro_tail; /* the app's dashboard around its list of people */
static size_t pro_head_len, pro_tail_len;

/* The same SQL as SessionStore.find, Applicants.find(id:) and Documents.forApplicant. */
static const char *SQL_SESSION =
    "WITH touched AS (\n"
    "    UPDATE sessions SET last_seen_at = now()\n"
    "    WHERE token_hash = $1 AND expires_at > now()\n"
    "      AND last_seen_at > now() - make_interval(secs => $2)\n"
    "      AND last_seen_at <= now() - make_interval(secs => $3)\n"
    ")\n"
    "SELECT subject_kind, subject_id, created_at FROM sessions\n"
    "WHERE token_hash = $1 AND expires_at > now()\n"
    "  AND last_seen_at > now() - make_interval(secs => $2)";
static const char *SQL_APPLICANT =
    "SELECT id, surname, given_names, birth_date, nationality, language, spada_id, enrolled_at, phone, "
    "phone_verified_at, email, email_verified_at, agdref, guda_site, registered_on, procedure, requalified_on, "
    "unaccompanied_minor, overseas, eligibility, registered_at, space_available_at, ofpra_number, key_issued_at, "
    "activated_at, last_login_at, failed_logins, last_failed_at, locked_at, closed_at, paper_mode_since "
    "FROM applicants WHERE id = $1";
static const char *SQL_DOCUMENTS =
    "SELECT id, public_id, applicant_id, kind, deposited_at, first_consulted_at, size_bytes, sha256, "
    "interview_date, interview_time, interview_place, interview_address, interpreter_language, unannounced "
    "FROM documents WHERE applicant_id = $1 ORDER BY deposited_at DESC, id DESC";

/* The same SQL as StaffAccounts.find and FollowedPeople.page / withDocuments, Audit.record. */
static const char *SQL_STAFF =
    "SELECT id, email, display_name, role, structure_id FROM staff_accounts WHERE id = $1 AND disabled_at IS NULL";
#define FOLLOWED_TODAY                                                                                                \
    "SELECT applicant_id FROM follow_links WHERE structure_id = $1\n"                                                 \
    "  AND started_on <= (now() AT TIME ZONE 'Europe/Paris')::date\n"                                                 \
    "  AND (ended_on IS NULL OR ended_on >= (now() AT TIME ZONE 'Europe/Paris')::date)"
static const char *SQL_COUNT = "SELECT count(*) AS n FROM applicants WHERE id IN (" FOLLOWED_TODAY ")";
static const char *SQL_PEOPLE =
    "SELECT id, surname, given_names, birth_date, nationality, language, spada_id, enrolled_at, phone, "
    "phone_verified_at, email, email_verified_at, agdref, guda_site, registered_on, procedure, requalified_on, "
    "unaccompanied_minor, overseas, eligibility, registered_at, space_available_at, ofpra_number, key_issued_at, "
    "activated_at, last_login_at, failed_logins, last_failed_at, locked_at, closed_at, paper_mode_since "
    "FROM applicants WHERE id IN (" FOLLOWED_TODAY ")\nORDER BY surname, given_names, id LIMIT $2 OFFSET $3";
static const char *SQL_PEOPLE_DOCUMENTS =
    "SELECT applicant_id, kind, deposited_at, first_consulted_at, interview_date, interview_time\n"
    "FROM documents WHERE applicant_id = ANY($1::bigint[]) ORDER BY deposited_at DESC";
static const char *SQL_FAILED =
    "SELECT DISTINCT d.applicant_id FROM documents d JOIN outbox_messages m ON m.subject_ref = 'document:' || "
    "d.public_id::text\nWHERE d.applicant_id = ANY($1::bigint[]) AND m.state = 'dead'";
static const char *SQL_AUDIT =
    "INSERT INTO audit_events (staff_id, structure_id, role, action, applicant_id, detail, address)\n"
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";

static const char *HEADERS =
    "Content-Security-Policy: default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n"
    "Permissions-Policy: camera=(), microphone=(), geolocation=()\r\nCache-Control: no-store\r\n"
    "Content-Language: fr\r\nVary: Cookie, Accept-Language\r\n";

/* A growing output buffer, reused by one thread across requests. */
typedef struct { char *p; size_t n, cap; } buf;

static void put(buf *b, const char *s, size_t n) {
    if (b->n + n > b->cap) {
        while (b->n + n > b->cap) b->cap = b->cap ? b->cap * 2 : 16384;
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}
static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

/* Escapes & < > " ' like the app's templates. */
static void esc(buf *b, const char *s) {
    const char *start = s;
    for (; *s; s++) {
        const char *r = NULL;
        switch (*s) {
        case '&': r = "&amp;"; break;
        case '<': r = "&lt;"; break;
        case '>': r = "&gt;"; break;
        case '"': r = "&quot;"; break;
        case '\'': r = "&#39;"; break;
        default: continue;
        }
        put(b, start, (size_t)(s - start));
        puts_(b, r);
        start = s + 1;
    }
    put(b, start, (size_t)(s - start));
}

/* "2026-12-01 10:04:05.123+00" as "01/12/2026 10:04" (UTC; the app shows Paris time). */
static void date_time(buf *b, const char *ts) {
    char out[32];
    if (strlen(ts) < 16) { esc(b, ts); return; }
    snprintf(out, sizeof out, "%.2s/%.2s/%.4s %.5s", ts + 8, ts + 5, ts, ts + 11);
    esc(b, out);
}

static const char *kind_label(const char *kind) {
    static const char *k[][2] = {
        {"account_creation", "Création de votre espace"}, {"introduction_letter", "Lettre d'introduction"},
        {"convocation", "Convocation à un entretien"}, {"convocation_cancellation", "Annulation de convocation"},
        {"six_month_letter", "Lettre des 6 mois"}, {"interview_transcript", "Compte rendu d'entretien"},
        {"reclassification", "Requalification en procédure normale"},
        {"decision_refugee_status", "Décision : statut de réfugié"},
        {"decision_subsidiary_protection", "Décision : protection subsidiaire"},
        {"decision_rejection", "Décision : rejet"}, {"decision_inadmissibility", "Décision : irrecevabilité"},
        {"decision_closure", "Décision : clôture"}, {"renotification", "Nouvelle notification"},
        {"courrier_post", "Passage au courrier postal"}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (strcmp(kind, k[i][0]) == 0) return k[i][1];
    return "Autre courrier";
}

/* libfcgi's own printf knows no %zu: headers are formatted with snprintf. */
static void head(FCGX_Request *r, const char *status, const char *type, size_t length) {
    char h[1024];
    int n = snprintf(h, sizeof h, "Status: %s\r\nContent-Type: %s\r\n%sContent-Length: %zu\r\n\r\n", status, type,
                     HEADERS, length);
    FCGX_PutStr(h, n, r->out);
}

static void status_only(FCGX_Request *r, const char *status) {
    head(r, status, "text/plain; charset=utf-8", strlen(status) + 1);
    FCGX_PutS(status, r->out);
    FCGX_PutS("\n", r->out);
}

static void send_page(FCGX_Request *r, const char *body, size_t n) {
    head(r, "200 OK", "text/html; charset=utf-8", n);
    FCGX_PutStr(body, (int)n, r->out);
}

/* The value of cookie NAME in a Cookie header, copied into out (empty if absent). */
static void cookie(const char *header, const char *name, char *out, size_t cap) {
    size_t len = strlen(name);
    out[0] = 0;
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ';') p++;
        if (strncmp(p, name, len) == 0 && p[len] == '=') {
            p += len + 1;
            size_t i = 0;
            while (p[i] && p[i] != ';' && i + 1 < cap) { out[i] = p[i]; i++; }
            out[i] = 0;
            return;
        }
        p = strchr(p, ';');
    }
}

static PGconn *connect_db(void) {
    PGconn *db = PQconnectdb(conninfo);
    if (PQstatus(db) != CONNECTION_OK) { fprintf(stderr, "baseline: %s", PQerrorMessage(db)); exit(1); }
    const char *names[] = {"session_touch", "applicant_by_id", "documents_of_applicant", "staff_by_id", "followed_count",
                           "followed_page", "followed_documents", "followed_failed", "audit_insert"};
    const char *sql[] = {SQL_SESSION, SQL_APPLICANT, SQL_DOCUMENTS, SQL_STAFF, SQL_COUNT,
                         SQL_PEOPLE, SQL_PEOPLE_DOCUMENTS, SQL_FAILED, SQL_AUDIT};
    for (int i = 0; i < 9; i++) {
        PGresult *res = PQprepare(db, names[i], sql[i], 0, NULL);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) { fprintf(stderr, "baseline: %s", PQerrorMessage(db)); exit(1); }
        PQclear(res);
    }
    return db;
}

#define V(res, row, col) PQgetvalue(res, row, PQfnumber(res, col))

/* The subject id of the `session` cookie's session if it is of KIND, copied into id; else a 403
 * is sent and 0 returned. */
static int session_subject(FCGX_Request *r, PGconn *db, const char *kind, char *id, size_t cap) {
    char token[256];
    cookie(FCGX_GetParam("HTTP_COOKIE", r->envp), "session", token, sizeof token);
    if (!token[0]) { status_only(r, "403 Forbidden"); return 0; }
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));

    /* The app rewrites last_seen_at at most once a minute (SessionStore.touchSeconds). */
    const char *sp[3] = {(const char *)hash, idle_seconds, "60"};
    int lens[3] = {sizeof hash, 0, 0}, fmts[3] = {1, 0, 0};
    PGresult *s = PQexecPrepared(db, "session_touch", 3, sp, lens, fmts, 0);
    if (PQresultStatus(s) != PGRES_TUPLES_OK || PQntuples(s) != 1 || strcmp(V(s, 0, "subject_kind"), kind)) {
        PQclear(s);
        status_only(r, "403 Forbidden");
        return 0;
    }
    snprintf(id, cap, "%s", V(s, 0, "subject_id"));
    PQclear(s);
    return 1;
}

static void space(FCGX_Request *r, PGconn *db, buf *b) {
    char id[32];
    if (!session_subject(r, db, "applicant", id, sizeof id)) return;

    const char *ap[1] = {id};
    PGresult *a = PQexecPrepared(db, "applicant_by_id", 1, ap, NULL, NULL, 0);
    if (PQresultStatus(a) != PGRES_TUPLES_OK || PQntuples(a) != 1 || !PQgetisnull(a, 0, PQfnumber(a, "closed_at")) ||
        PQgetisnull(a, 0, PQfnumber(a, "space_available_at"))) {
        PQclear(a);
        status_only(r, "403 Forbidden");
        return;
    }
    PGresult *d = PQexecPrepared(db, "documents_of_applicant", 1, ap, NULL, NULL, 0);
    if (PQresultStatus(d) != PGRES_TUPLES_OK) {
        PQclear(a); PQclear(d);
        status_only(r, "500 Internal Server Error");
        return;
    }

    b->n = 0;
    put(b, space_head, space_head_len);
    char surname[256];
    size_t i = 0;
    for (const char *p = V(a, 0, "surname"); *p && i + 1 < sizeof surname; p++, i++)
        surname[i] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p; /* the app upper-cases (Unicode) */
    surname[i] = 0;
    puts_(b, "<h1>Mon espace</h1>\n<p class=\"lead\">");
    esc(b, V(a, 0, "given_names")); puts_(b, " "); esc(b, surname);
    puts_(b, " · <span dir=\"ltr\">"); esc(b, V(a, 0, "agdref")); puts_(b, "</span></p>\n");
    if (PQgetisnull(a, 0, PQfnumber(a, "phone_verified_at")) && PQgetisnull(a, 0, PQfnumber(a, "email_verified_at")))
        puts_(b, "<div class=\"warning\" role=\"status\"><p>Aucun téléphone ni e-mail n&#39;est enregistré : vous ne "
                 "serez pas prévenu quand un document arrive. Ajoutez vos coordonnées.</p><p><a href=\"/usager/"
                 "coordonnees\">Mes coordonnées</a></p></div>\n");
    puts_(b, "<h2>Mes documents</h2>\n<ul class=\"documents\">\n");
    for (int row = 0; row < PQntuples(d); row++) {
        int is_new = PQgetisnull(d, row, PQfnumber(d, "first_consulted_at"));
        puts_(b, is_new ? "  <li class=\"document document-new\">\n" : "  <li class=\"document\">\n");
        puts_(b, "    <p><a href=\"/usager/documents/"); esc(b, V(d, row, "public_id"));
        puts_(b, "\"><strong>"); esc(b, kind_label(V(d, row, "kind"))); puts_(b, "</strong></a> ");
        if (is_new) puts_(b, "<span class=\"tag tag-new\">Nouveau</span>");
        puts_(b, "</p>\n    <p>Déposé le : "); date_time(b, V(d, row, "deposited_at"));
        puts_(b, "</p>\n    <p>");
        if (is_new) {
            puts_(b, "Pas encore ouvert. Sans ouverture, il sera considéré comme notifié le ");
            date_time(b, V(d, row, "deposited_at"));
        } else {
            puts_(b, "Notifié le "); date_time(b, V(d, row, "first_consulted_at"));
            puts_(b, ", à sa première ouverture.");
        }
        puts_(b, "</p>\n");
        if (!PQgetisnull(d, row, PQfnumber(d, "interview_date"))) {
            puts_(b, "    <p>Entretien : "); esc(b, V(d, row, "interview_date")); puts_(b, ", ");
            esc(b, V(d, row, "interview_time")); puts_(b, " — "); esc(b, V(d, row, "interview_place"));
            puts_(b, "</p>\n");
        }
        puts_(b, "  </li>\n");
    }
    puts_(b, "</ul>\n<h2>À savoir</h2>\n<ul>\n  <li>Un document compte comme remis dès que vous l&#39;ouvrez, ou 15 "
             "jours après son dépôt si vous ne l&#39;ouvrez pas.</li>\n  <li>Connectez-vous au moins une fois tous "
             "les 15 jours.</li>\n</ul>\n<ul class=\"actions\">\n  <li><a href=\"/usager/coordonnees\">Mes "
             "coordonnées</a></li>\n  <li><a href=\"/usager/compte\">Mon compte</a></li>\n</ul>\n");
    if (!PQgetisnull(a, 0, PQfnumber(a, "last_login_at"))) {
        puts_(b, "<p class=\"muted\">Dernière connexion : "); date_time(b, V(a, 0, "last_login_at"));
        puts_(b, "</p>\n");
    }
    put(b, space_tail, space_tail_len);
    PQclear(a);
    PQclear(d);
    send_page(r, b->p, b->n);
}

/* "2026-12-01 10:04:05.123+00" (UTC, as the app's connections read timestamps) as seconds. */
static time_t utc_seconds(const char *ts) {
    struct tm tm = {0};
    if (sscanf(ts, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

/* The logged-in staff member's structure for the `session` cookie, or 0 (answer sent). */
static long staff_structure(FCGX_Request *r, PGconn *db, char *staff_id, size_t cap, char *role, size_t role_cap) {
    if (!session_subject(r, db, "staff", staff_id, cap)) return 0;
    const char *p[1] = {staff_id};
    PGresult *st = PQexecPrepared(db, "staff_by_id", 1, p, NULL, NULL, 0);
    if (PQresultStatus(st) != PGRES_TUPLES_OK || PQntuples(st) != 1 || PQgetisnull(st, 0, PQfnumber(st, "structure_id"))) {
        PQclear(st);
        status_only(r, "403 Forbidden");
        return 0;
    }
    long structure = atol(V(st, 0, "structure_id"));
    snprintf(role, role_cap, "%s", V(st, 0, "role"));
    PQclear(st);
    return structure;
}

static void dd(buf *b, const char *label, const char *value) {
    puts_(b, "      <dt>"); puts_(b, label); puts_(b, "</dt><dd>"); esc(b, value); puts_(b, "</dd>\n");
}

static void pro(FCGX_Request *r, PGconn *db, buf *b) {
    char staff_id[32], role[32], structure[32];
    long sid = staff_structure(r, db, staff_id, sizeof staff_id, role, sizeof role);
    if (!sid) return;
    snprintf(structure, sizeof structure, "%ld", sid);
    const char *cp[1] = {structure};
    PGresult *c = PQexecPrepared(db, "followed_count", 1, cp, NULL, NULL, 0);
    int counted = PQresultStatus(c) == PGRES_TUPLES_OK; /* the pager around the list is the app's, constant here */
    PQclear(c);
    if (!counted) { status_only(r, "500 Internal Server Error"); return; }
    const char *pp[3] = {structure, "50", "0"};
    PGresult *people = PQexecPrepared(db, "followed_page", 3, pp, NULL, NULL, 0);
    if (PQresultStatus(people) != PGRES_TUPLES_OK) { PQclear(people); status_only(r, "500 Internal Server Error"); return; }
    int n = PQntuples(people);
    char ids[50 * 21 + 3];
    size_t k = 0;
    ids[k++] = '{';
    for (int i = 0; i < n && i < 50; i++) k += (size_t)snprintf(ids + k, sizeof ids - k, "%s%s", i ? "," : "", V(people, i, "id"));
    ids[k++] = '}';
    ids[k] = 0;
    const char *ip[1] = {ids};
    PGresult *docs = PQexecPrepared(db, "followed_documents", 1, ip, NULL, NULL, 0);
    PGresult *failed = PQexecPrepared(db, "followed_failed", 1, ip, NULL, NULL, 0);
    const char *ap[7] = {staff_id, structure, role, "view_dashboard", NULL, NULL, FCGX_GetParam("REMOTE_ADDR", r->envp)};
    PGresult *audit = PQexecPrepared(db, "audit_insert", 7, ap, NULL, NULL, 0);
    int ok = PQresultStatus(docs) == PGRES_TUPLES_OK && PQresultStatus(failed) == PGRES_TUPLES_OK &&
             PQresultStatus(audit) == PGRES_COMMAND_OK;
    PQclear(audit);
    if (!ok) { PQclear(people); PQclear(docs); PQclear(failed); status_only(r, "500 Internal Server Error"); return; }

    /* Column numbers once per result (PQfnumber is a linear search by name). */
    int d_app = PQfnumber(docs, "applicant_id"), d_kind = PQfnumber(docs, "kind"),
        d_dep = PQfnumber(docs, "deposited_at"), d_first = PQfnumber(docs, "first_consulted_at"),
        d_idate = PQfnumber(docs, "interview_date"), d_itime = PQfnumber(docs, "interview_time");
    int p_id = PQfnumber(people, "id"), p_sur = PQfnumber(people, "surname"), p_given = PQfnumber(people, "given_names"),
        p_agdref = PQfnumber(people, "agdref"), p_phone = PQfnumber(people, "phone_verified_at"),
        p_email = PQfnumber(people, "email_verified_at"), p_login = PQfnumber(people, "last_login_at"),
        p_act = PQfnumber(people, "activated_at"), p_reg = PQfnumber(people, "registered_on"),
        p_space = PQfnumber(people, "space_available_at"), f_app = PQfnumber(failed, "applicant_id");
    time_t now = time(NULL);
    b->n = 0;
    put(b, pro_head, pro_head_len);
    puts_(b, "<ul class=\"followed\">\n");
    int docs_n = PQntuples(docs);
    for (int i = 0; i < n; i++) {
        const char *id = PQgetvalue(people, i, p_id);
        /* The flags, as FollowedPerson.flags computes them. */
        int unread = 0, has_docs = 0, was_failed = 0;
        for (int d = 0; d < docs_n; d++) {
            if (strcmp(PQgetvalue(docs, d, d_app), id)) continue;
            has_docs = 1;
            time_t deposited = utc_seconds(PQgetvalue(docs, d, d_dep));
            if (PQgetisnull(docs, d, d_first) && deposited > now - 15 * 86400 &&
                deposited < now - 10 * 86400)
                unread = 1;
        }
        for (int f = 0; f < PQntuples(failed); f++) was_failed |= !strcmp(PQgetvalue(failed, f, f_app), id);
        int no_phone = PQgetisnull(people, i, p_phone);
        int no_email = PQgetisnull(people, i, p_email);
        const char *seen = !PQgetisnull(people, i, p_login) ? PQgetvalue(people, i, p_login)
                           : !PQgetisnull(people, i, p_act) ? PQgetvalue(people, i, p_act)
                                                                                          : NULL;
        int absent = seen && utc_seconds(seen) < now - 15 * 86400;

        char surname[256];
        size_t j = 0;
        for (const char *p = PQgetvalue(people, i, p_sur); *p && j + 1 < sizeof surname; p++, j++)
            surname[j] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
        surname[j] = 0;
        puts_(b, "  <li class=\"followed-person\">\n    <h2 class=\"h3\"><a href=\"/pro/personnes/");
        esc(b, id); puts_(b, "\">"); esc(b, PQgetvalue(people, i, p_given)); puts_(b, " "); esc(b, surname);
        puts_(b, "</a> <span class=\"muted\" dir=\"ltr\">"); esc(b, PQgetvalue(people, i, p_agdref)); puts_(b, "</span></h2>\n    ");
        if (unread || was_failed || (no_phone && no_email) || absent) {
            puts_(b, "<p class=\"flags\">");
            if (unread) puts_(b, "<span class=\"tag tag-flag\">Non lu depuis plus de 10 jours</span> ");
            if (was_failed) puts_(b, "<span class=\"tag tag-flag\">Notification en échec</span> ");
            if (no_phone && no_email) puts_(b, "<span class=\"tag tag-flag\">Aucune coordonnée</span> ");
            if (absent) puts_(b, "<span class=\"tag tag-flag\">Absent depuis plus de 15 jours</span> ");
            puts_(b, "</p>");
        }
        puts_(b, "\n    <dl class=\"summary\">\n");
        dd(b, "Enregistrement au GUDA", PQgetisnull(people, i, p_reg) ? "pas encore enregistré" : PQgetvalue(people, i, p_reg));
        if (!PQgetisnull(people, i, p_act)) {
            puts_(b, "      <dt>Espace</dt><dd>activé le "); date_time(b, PQgetvalue(people, i, p_act)); puts_(b, "</dd>\n");
        } else if (!PQgetisnull(people, i, p_space)) {
            puts_(b, "      <dt>Espace</dt><dd>ouvert le "); date_time(b, PQgetvalue(people, i, p_space));
            puts_(b, ", pas encore activé</dd>\n");
        } else {
            dd(b, "Espace", "pas encore ouvert");
        }
        puts_(b, "      <dt>Dernière connexion</dt><dd>");
        if (PQgetisnull(people, i, p_login)) puts_(b, "—");
        else date_time(b, PQgetvalue(people, i, p_login));
        puts_(b, "</dd>\n");
        dd(b, "Téléphone enregistré", no_phone ? "non" : "oui");
        dd(b, "E-mail enregistré", no_email ? "non" : "oui");
        puts_(b, "    </dl>\n    ");
        if (has_docs) {
            puts_(b, "<table class=\"table\">\n      <caption class=\"visually-hidden\">Courriers (dates seulement)</caption>\n"
                     "      <thead><tr><th scope=\"col\">Catégorie</th><th scope=\"col\">Déposé le</th><th scope=\"col\">"
                     "Notification</th><th scope=\"col\">Entretien prévu</th></tr></thead>\n      <tbody>");
            for (int d = 0; d < docs_n; d++) {
                if (strcmp(PQgetvalue(docs, d, d_app), id)) continue;
                const char *kind = PQgetvalue(docs, d, d_kind);
                puts_(b, "<tr><td>"); esc(b, strcmp(kind, "convocation") ? "Autre courrier" : "Convocation");
                puts_(b, "</td><td>"); date_time(b, PQgetvalue(docs, d, d_dep)); puts_(b, "</td><td>");
                if (PQgetisnull(docs, d, d_first)) puts_(b, "pas encore notifié");
                else date_time(b, PQgetvalue(docs, d, d_first));
                puts_(b, "</td><td>");
                if (!PQgetisnull(docs, d, d_idate)) {
                    esc(b, PQgetvalue(docs, d, d_idate)); puts_(b, " "); esc(b, PQgetvalue(docs, d, d_itime));
                }
                puts_(b, "</td></tr>");
            }
            puts_(b, "</tbody>\n    </table>\n    ");
        }
        puts_(b, "\n  </li>\n");
    }
    puts_(b, "</ul>\n");
    put(b, pro_tail, pro_tail_len);
    PQclear(people);
    PQclear(docs);
    PQclear(failed);
    send_page(r, b->p, b->n);
}

static void *serve(void *arg) {
    (void)arg;
    PGconn *db = connect_db();
    buf b = {0};
    FCGX_Request r;
    FCGX_InitRequest(&r, listen_fd, 0);
    while (FCGX_Accept_r(&r) >= 0) {
        const char *uri = FCGX_GetParam("DOCUMENT_URI", r.envp);
        if (!uri) uri = "";
        if (strcmp(uri, "/__baseline/") == 0) send_page(&r, home, home_len);
        else if (strcmp(uri, "/__baseline/usager/espace") == 0) space(&r, db, &b);
        else if (strcmp(uri, "/__baseline/pro/suivi") == 0) pro(&r, db, &b);
        else status_only(&r, "404 Not Found");
        if (PQstatus(db) != CONNECTION_OK) PQreset(db);
        FCGX_Finish_r(&r);
    }
    return NULL;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *p = malloc((size_t)n + 1);
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(1); }
    p[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* The app's page in PATH, cut around the part built per request: head is everything before FROM,
 * tail everything from the first UNTIL after it. Exits if either is missing. */
static void frame(const char *path, const char *from, const char *until, char **head, size_t *head_len, char **tail,
                  size_t *tail_len) {
    size_t len;
    char *page = slurp(path, &len);
    char *start = strstr(page, from), *end = start ? strstr(start, until) : NULL;
    if (!end) { fprintf(stderr, "baseline: %s has no %s ... %s\n", path, from, until); exit(1); }
    *head = page; *head_len = (size_t)(start - page);
    *tail = end; *tail_len = len - (size_t)(end - page);
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s SOCKET CONNINFO HOME_FILE SPACE_FILE PRO_FILE [THREADS] [IDLE_SECONDS]\n", argv[0]);
        return 2;
    }
    conninfo = argv[2];
    int threads = argc > 6 ? atoi(argv[6]) : 4;
    if (threads < 1) threads = 1;
    if (argc > 7) snprintf(idle_seconds, sizeof idle_seconds, "%s", argv[7]);
    home = slurp(argv[3], &home_len);
    frame(argv[4], "<h1>", "</main>", &space_head, &space_head_len, &space_tail, &space_tail_len);
    frame(argv[5], "<ul class=\"followed\">", "<nav class=\"pagination\"", &pro_head, &pro_head_len, &pro_tail, &pro_tail_len);
    if (sodium_init() < 0) return 1;
    signal(SIGPIPE, SIG_IGN);

    if (FCGX_Init() != 0) return 1;
    unlink(argv[1]);
    listen_fd = FCGX_OpenSocket(argv[1], 256); /* the app's backlog */
    if (listen_fd < 0) { fprintf(stderr, "baseline: cannot listen on %s\n", argv[1]); return 1; }
    chmod(argv[1], 0666); /* nginx workers run as another user */
    /* libfcgi's own SIGTERM handler only sets a flag and leaves threads in accept: like the
     * app, block TERM and INT in every thread and take them here; then exit at once. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    pthread_t t;
    for (int i = 0; i < threads; i++) pthread_create(&t, NULL, serve, NULL);
    fprintf(stderr, "baseline: listening on %s with %d threads\n", argv[1], threads);
    int received;
    sigwait(&stop, &received);
    unlink(argv[1]);
    _exit(0);
}
