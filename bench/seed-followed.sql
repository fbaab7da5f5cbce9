-- Bench-only data (scripts/bench.sh, scripts/soak.sh; never `seed-demo`): the demo CADA
-- (cada.rennes@demo.asile.test) follows :followed people in all, each with three documents
-- of different ages (one unread for 12 days, one read, a recent convocation) and a mix of
-- contact details, so the professional dashboard has real rows, flags and pages to show.
-- Idempotent: bench people have AGDREF numbers 2000000001.. and are only added.
\set ON_ERROR_STOP on
BEGIN;
WITH cada AS (SELECT id FROM structures WHERE kind = 'cada' AND name = 'CADA Rennes Nord'),
     spada AS (SELECT id FROM structures WHERE kind = 'spada' AND name = 'SPADA Rennes – Coallia'),
     have AS (SELECT count(*) AS k FROM follow_links f, cada
              WHERE f.structure_id = cada.id AND f.ended_on IS NULL
                AND f.applicant_id NOT IN (SELECT id FROM applicants WHERE agdref LIKE '2%')),
     people AS (
        INSERT INTO applicants (surname, given_names, birth_date, nationality, language, spada_id, enrolled_at,
                                phone, phone_verified_at, email, email_verified_at, agdref, guda_site, registered_on,
                                procedure, eligibility, registered_at, space_available_at, activated_at, last_login_at)
        SELECT (ARRAY['Abdi','Bakari','Chérif','Dossou','Ekwueme','Farah','Gashi','Hassan','Idris','Jalloh',
                      'Kaya','Lemma','Mensah','Nour','Osman','Popescu','Qasim','Rahimi','Sow','Tahir'])[1 + n % 20],
               'Personne ' || n, date '1985-01-01' + (n * 37) % 9000, 'afghane', (ARRAY['fr','en','ar'])[1 + n % 3],
               spada.id, now() - make_interval(days => 90 + n % 60),
               CASE WHEN n % 4 <> 0 THEN '+336' || lpad((10000000 + n)::text, 8, '0') END,
               CASE WHEN n % 4 <> 0 THEN now() - interval '80 days' END,
               CASE WHEN n % 3 = 0 THEN 'personne' || n || '@example.org' END,
               CASE WHEN n % 3 = 0 THEN now() - interval '80 days' END,
               (2000000000 + n)::text, 'rennes', (now() - make_interval(days => 80 + n % 50))::date,
               'normal', 'in_scope', now() - make_interval(days => 80 + n % 50), now() - make_interval(days => 70 + n % 40),
               CASE WHEN n % 5 <> 0 THEN now() - make_interval(days => 60 + n % 30) END,
               CASE WHEN n % 5 <> 0 THEN now() - make_interval(days => n % 25, hours => n % 24) END
        FROM spada, have, generate_series(1, GREATEST(:followed - have.k, 0)::int) AS n
        ON CONFLICT (agdref) DO NOTHING
        RETURNING id, agdref::bigint - 2000000000 AS n),
     links AS (
        INSERT INTO follow_links (applicant_id, structure_id, kind, started_on)
        SELECT p.id, cada.id, 'accommodation', current_date - 60 FROM people p, cada
        RETURNING applicant_id)
INSERT INTO documents (applicant_id, kind, deposited_at, content, size_bytes, sha256, first_consulted_at,
                       interview_date, interview_time, interview_place, interview_address)
SELECT p.id, d.kind, now() - make_interval(days => d.age), '\x255044462d312e34'::bytea, 8,
       sha256('\x255044462d312e34'::bytea),
       CASE WHEN d.read THEN now() - make_interval(days => d.age) + interval '3 hours' END,
       CASE WHEN d.kind = 'convocation' THEN current_date + 10 + (p.n % 20)::int END,
       CASE WHEN d.kind = 'convocation' THEN '09:30' END,
       CASE WHEN d.kind = 'convocation' THEN 'OFPRA, salle 2' END,
       CASE WHEN d.kind = 'convocation' THEN '201 rue Carnot, 94120 Fontenay-sous-Bois' END
FROM people p CROSS JOIN LATERAL (VALUES ('introduction_letter', 45, true), ('six_month_letter', 12, p.n % 2 = 0),
                                         ('convocation', 2, p.n % 3 = 0)) AS d(kind, age, read);
COMMIT;
