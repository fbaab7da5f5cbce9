"""Run from the project root against a running stack (here the test one, port PORT):
    source .run-test/env; ASYLUM_TEST_BASE_URL=http://127.0.0.1:PORT \\
        ASYLUM_TEST_DATABASE_URL=$ASYLUM_DATABASE_URL .venv/bin/python bench/bench_credentials.py [rounds]

Benchmark (not a test: timing never goes in tests): how long the credential forms take to
answer for a known, an unknown and a locked identifier, against a running stack (any stack
started by scripts/services.sh, e.g. the test one; it uses the e2e helpers in Tests/e2e).

Prints the median and 90th percentile of each case. The tests count argon2 work instead
(CredentialAbuseTests); this shows what an attacker with a stopwatch would see.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "e2e"))
import helpers  # noqa: E402 - found through the path above

BASE = os.environ["ASYLUM_TEST_BASE_URL"]
DB = os.environ["ASYLUM_TEST_DATABASE_URL"]
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 30


def timed(path: str, fields: dict) -> float:
    s = helpers.http_session()
    # Every round starts with fresh address and identifier delays: only the checks are timed.
    helpers.psql(DB, "DELETE FROM address_throttle WHERE address IN ('127.0.0.1', '::1')")
    helpers.psql(DB, "UPDATE identifier_throttle SET last_failed_at = now() - interval '10 minutes'")
    s.get(BASE + path)
    start = time.perf_counter()
    r = helpers.post_form(s, BASE, path, path, fields)
    elapsed = time.perf_counter() - start
    assert r.status_code in (200, 422), (path, r.status_code)
    return elapsed * 1000


def row(name: str, samples: list[float]) -> None:
    samples.sort()
    p90 = samples[int(len(samples) * 0.9) - 1]
    print(f"{name:<34} {statistics.median(samples):8.1f} {p90:8.1f}")


def main() -> None:
    known = helpers.new_person(BASE)
    locked = helpers.new_person(BASE)
    for _ in range(20):    # ThrottlePolicy.password.lockAt
        timed("/usager/connexion", {"identifier": locked.agdref, "password": "faux faux faux"})
    print(f"{'case':<34} {'median ms':>8} {'p90 ms':>8}   ({ROUNDS} rounds)")
    cases = {
        "login, known identifier": lambda: timed("/usager/connexion", {"identifier": known.agdref, "password": "faux faux"}),
        "login, unknown identifier": lambda: timed("/usager/connexion", {"identifier": helpers.unique_agdref(),
                                                                         "password": "faux faux"}),
        "login, locked identifier": lambda: timed("/usager/connexion", {"identifier": locked.agdref,
                                                                        "password": locked.password}),
        "lost key, known identifier": lambda: timed("/usager/cle-perdue", {"identifier": known.agdref}),
        "lost key, unknown identifier": lambda: timed("/usager/cle-perdue", {"identifier": helpers.unique_agdref()}),
    }
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):    # interleaved, so machine load hits every case alike
        for name, run in cases.items():
            results[name].append(run())
    for name, samples in results.items():
        row(name, samples)


if __name__ == "__main__":
    main()
