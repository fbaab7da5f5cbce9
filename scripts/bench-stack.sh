# Sourced by scripts/bench.sh and scripts/soak.sh (expects ROOT, RUN, PORT, PG_PORT, BASE): starts
# the release stack in $RUN, seeds the demo data and the bench-only rows, and logs in through the
# real forms. Sets COOKIE (the demo applicant), PRO_COOKIE (the demo CADA's professional),
# OFPRA_COOKIE (the demo OFPRA agent), DOC_PATH, PRO_PATH, OFPRA_PATH, STATIC_PATH, DB_PATH.
# shellcheck shell=bash

# A production worker refuses to start without a sender and an https:// public address
# (WorkerEnvironment); both only appear in the spooled messages here.
export ASYLUM_MAIL_FROM=${ASYLUM_MAIL_FROM:-"Portail asile <ne-pas-repondre@localhost.localdomain>"}
export ASYLUM_PUBLIC_URL=${ASYLUM_PUBLIC_URL:-https://127.0.0.1:$PORT}
ASYLUM_ENV=${ASYLUM_ENV:-production} scripts/services.sh start "$RUN" "$PORT" "$PG_PORT" release
# shellcheck source=/dev/null
source "$RUN/env"
.build/release/asylum-admin seed-demo >/dev/null
# Bench-only rows (not in the demo data): the demo CADA follows BENCH_FOLLOWED (200) people.
psql -q -X "$ASYLUM_DATABASE_URL" -v followed="${BENCH_FOLLOWED:-200}" -f bench/seed-followed.sql >/dev/null

STATIC_PATH=/static/css/app.css
[ -f Public/css/app.css ] || STATIC_PATH=/static/errors/502.html    # until the stylesheet exists
DB_PATH=${BENCH_DB_PATH:-/healthz}

# The demo applicant's session (README): the login form's CSRF token and `csrf` cookie, then POST.
mkdir -p "$RUN/baseline"
jar=$RUN/baseline/cookies.txt
rm -f "$jar"
csrf=$(curl -fsS -c "$jar" -b "$jar" "$BASE/usager/connexion" | grep -o 'name="_csrf" value="[^"]*"' | head -n 1 |
       sed 's/.*value="//; s/"$//')
code=$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" \
       --data-urlencode identifier=1000000001 --data-urlencode password=soleil-sur-la-loire-42 "$BASE/usager/connexion")
session=$(awk '$6 == "session" { print $7 }' "$jar")
if [ -z "$session" ]; then
    echo "${0##*/}: logging in as the demo applicant failed (HTTP $code)" >&2
    exit 1
fi
COOKIE="Cookie: session=$session"

# Staff sessions through the staff login form (/connexion): the demo CADA's professional for the
# dashboard, the demo OFPRA agent for the person page.
staff_session() {
    local jar=$RUN/baseline/staff-$1.txt csrf code token
    rm -f "$jar"
    csrf=$(curl -fsS -c "$jar" -b "$jar" "$BASE/connexion" | grep -o 'name="_csrf" value="[^"]*"' | head -n 1 |
           sed 's/.*value="//; s/"$//')
    code=$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" \
           --data-urlencode "email=$1" --data-urlencode password=demo-asile-2026 "$BASE/connexion")
    token=$(awk '$6 == "session" { print $7 }' "$jar")
    if [ -z "$token" ]; then echo "${0##*/}: logging in as $1 failed (HTTP $code)" >&2; exit 1; fi
    echo "Cookie: session=$token"
}
PRO_COOKIE=$(staff_session cada.rennes@demo.asile.test)
OFPRA_COOKIE=$(staff_session ofpra@demo.asile.test)
# The applicant's newest document (the convocation) and the same person's OFPRA page.
DOC_PATH=$(curl -fsS -H "$COOKIE" "$BASE/usager/espace" | grep -o '/usager/documents/[0-9a-f-]\{36\}' | head -n 1)
OFPRA_PATH=/agents/ofpra/personnes/$(psql -qAtX "$ASYLUM_DATABASE_URL" -c "SELECT id FROM applicants WHERE agdref = '1000000001'")
PRO_PATH=/pro/suivi
for pair in "$DOC_PATH|$COOKIE" "$PRO_PATH|$PRO_COOKIE" "$OFPRA_PATH|$OFPRA_COOKIE"; do
    curl -fsS -o /dev/null -H "${pair#*|}" "$BASE${pair%%|*}" || { echo "${0##*/}: ${pair%%|*} does not answer" >&2; exit 1; }
done
