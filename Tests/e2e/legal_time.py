"""The stack's legal clock moved forward, and its jobs run at that time, for the deadline
journeys (test_deadline_journeys.py).

- The test clock: the stack's app and worker read ASYLUM_TEST_CLOCK_FILE (test stacks only;
  they refuse it elsewhere) and add its offset, in seconds, to the time of legal rules.
- While a journey walks the days, the stack's own worker is paused (SIGSTOP) and a worker of
  the test runs instead, `asylum-worker --once --run-jobs`, with the real protocols: SMTP to
  an aiosmtpd sink, SMS over HTTP to a sink that answers like GOV.UK Notify and sends its
  delivery receipts back to the app through nginx.
Everything is put back (clock at real time, worker resumed) when the journey ends.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import helpers

PARIS = ZoneInfo("Europe/Paris")


def easter_sunday(year: int) -> dt.date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher), independent of the app's."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    n = h + weekday - 7 * m + 114
    return dt.date(year, n // 31, n % 31 + 1)


def french_holidays(year: int) -> set[dt.date]:
    easter = easter_sunday(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return {dt.date(year, m, d) for m, d in fixed} | {easter + dt.timedelta(days=n) for n in (1, 39, 50)}


def next_working_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5 or day in french_holidays(day.year):
        day += dt.timedelta(days=1)
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    return helpers.add_months(day, months)


def numeric(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class LegalTime:
    def __init__(self, rundir: Path, smtp_sink, sms_sink):
        self.rundir = rundir
        self.env_file = helpers.read_env_file(rundir)
        clock = self.env_file.get("ASYLUM_TEST_CLOCK_FILE")
        assert clock, "the test stack has no ASYLUM_TEST_CLOCK_FILE (scripts/services.sh sets it when ASYLUM_ENV=test)"
        self.clock_file = Path(clock)
        self.smtp_sink, self.sms_sink = smtp_sink, sms_sink
        self.worker_pid = int((rundir / "worker.pid").read_text().strip())
        root = Path(self.env_file.get("ASYLUM_ROOT") or Path(__file__).resolve().parents[2])
        self.worker = root / ".build" / "debug" / "asylum-worker"

    def __enter__(self) -> "LegalTime":
        # Pause the stack's worker between two drains: nothing of it is then in flight.
        db = helpers.require_database_url("the journeys read the outbox")
        helpers.wait_until(lambda: helpers.psql(db, "SELECT count(*) FROM outbox_messages WHERE state = 'sending'")[0][0] == "0",
                           30, 0.2, what="the stack's worker between two messages")
        os.kill(self.worker_pid, signal.SIGSTOP)
        return self

    def __exit__(self, *exc) -> None:
        self.set_offset(0)
        os.kill(self.worker_pid, signal.SIGCONT)

    def set_offset(self, seconds: int) -> None:
        self.clock_file.write_text(f"{max(0, int(seconds))}\n")

    def move_to(self, day: dt.date, hour: int = 12) -> None:
        """Legal now = `day` at `hour`:00 in Paris (never backwards from real time)."""
        target = dt.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)
        self.set_offset((target - dt.datetime.now(dt.timezone.utc)).total_seconds())

    def run_jobs(self) -> str:
        """The reminder/escalation jobs at the legal now, then a drain through the sinks."""
        env = {
            **os.environ, **self.env_file,
            "ASYLUM_WORKER_ID": "e2e-legal-time",
            "ASYLUM_EMAIL_TRANSPORT": "smtp",
            "ASYLUM_SMTP_URL": self.smtp_sink.url,
            "ASYLUM_SMTP_USER": self.smtp_sink.user,
            "ASYLUM_SMTP_PASSWORD": self.smtp_sink.password,
            "ASYLUM_SMTP_STARTTLS": "0",
            "ASYLUM_SMS_TRANSPORT": "http",
            "ASYLUM_SMS_URL": self.sms_sink.url,
            "ASYLUM_SMS_TOKEN": self.sms_sink.token,
        }
        done = subprocess.run([str(self.worker), "--once", "--run-jobs"], env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stderr

    @staticmethod
    def today() -> dt.date:
        return dt.datetime.now(PARIS).date()

