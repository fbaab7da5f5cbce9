"""Loopback stand-ins for the outbox's providers, for test_outbox_delivery.py.

- SMTPSink: a real SMTP server (aiosmtpd) that requires a login and refuses some recipients the
  way real servers do (550 for good, 451 for now).
- SMSSink: an HTTP SMS provider in a thread. Like GOV.UK Notify's test numbers, the number
  decides the answer: TEMPORARY_FAILURE gets a 500, PERMANENT_FAILURE a 400, any other 201.
  With a callback (`SMSSink(callback_url=..., callback_token=...)`) it also sends Notify's
  delivery receipts there: "delivered" for every accepted SMS, or the status `fail(number)`
  chose for that number; `send_receipt` sends one by hand.
"""
from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# SMTP
# ---------------------------------------------------------------------------------------------

@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    login: str | None


class SMTPSink:
    REFUSED = "bounce@example.org"  # 550: the mailbox does not exist
    BUSY = "busy@example.org"  # 451: try again later

    def __init__(self, user: str = "outbox", password: str = "s3cret-smtp"):
        self.user, self.password = user, password
        self.messages: list[ReceivedMail] = []
        self.port = free_port()
        self._lock = threading.Lock()
        self._controller = Controller(
            _SMTPHandler(self), hostname="127.0.0.1", port=self.port,
            authenticator=self._authenticate, auth_required=True, auth_require_tls=False)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SMTPSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def received_for(self, address: str) -> list[ReceivedMail]:
        with self._lock:
            return [m for m in self.messages if address in m.rcpt_tos]

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == self.user and auth_data.password.decode() == self.password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    def _store(self, mail: ReceivedMail) -> None:
        with self._lock:
            self.messages.append(mail)


class _SMTPHandler:
    def __init__(self, sink: SMTPSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == SMTPSink.REFUSED:
            return "550 5.1.1 No such mailbox here"
        if address == SMTPSink.BUSY:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        auth = session.auth_data if session.authenticated else None
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        self.sink._store(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, login))
        return "250 2.0.0 Message accepted for delivery"


# ---------------------------------------------------------------------------------------------
# SMS
# ---------------------------------------------------------------------------------------------

@dataclass
class SMSRequest:
    authorization: str
    payload: dict
    status: int
    provider_id: str | None = None
    idempotency_key: str | None = None
    created_at: str | None = None


@dataclass
class SentReceipt:
    """A delivery receipt the sink posted to the callback, and the callback's answer."""
    payload: dict
    answer: int


def notify_time(at: dt.datetime | None = None) -> str:
    """Notify's way of writing a time: UTC, microseconds, Z."""
    at = at or dt.datetime.now(dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class SMSSink:
    token: str = "sms-test-token"
    TEMPORARY_FAILURE = "+33600000500"
    PERMANENT_FAILURE = "+33600000400"
    requests: list[SMSRequest] = field(default_factory=list)
    # Where delivery receipts go (the app's POST /api/accuses-de-reception), with its bearer token.
    callback_url: str | None = None
    callback_token: str | None = None
    receipts: list[SentReceipt] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._failing: dict[str, str] = {}
        self._pending: list[threading.Thread] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                sink._answer(self, body)

            def log_message(self, *args):  # keep pytest's output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v2/notifications/sms"

    def start(self) -> "SMSSink":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def received_for(self, number: str) -> list[SMSRequest]:
        with self._lock:
            return [r for r in self.requests if r.payload.get("to") == number]

    def fail(self, number: str, status: str = "permanent-failure") -> None:
        """SMS to `number` are accepted (201), then their receipt says `status`
        ("permanent-failure", "temporary-failure", "technical-failure")."""
        with self._lock:
            self._failing[number] = status

    def receipts_for(self, reference: str) -> list[SentReceipt]:
        with self._lock:
            return [r for r in self.receipts if r.payload.get("reference") == reference]

    def send_receipt(self, key: str, status: str, reported_at: dt.datetime | None = None) -> int:
        """Posts Notify's receipt for the accepted SMS whose provider id or reference is `key`;
        returns the callback's HTTP status."""
        with self._lock:
            request = next(r for r in reversed(self.requests)
                           if r.provider_id is not None and key in (r.provider_id, r.payload.get("reference")))
        assert self.callback_url and self.callback_token, "SMSSink(callback_url=..., callback_token=...) to send receipts"
        payload = {
            "id": request.provider_id, "reference": request.payload.get("reference"), "to": request.payload.get("to"),
            "status": status, "created_at": request.created_at, "sent_at": request.created_at,
            "completed_at": notify_time(reported_at), "notification_type": "sms",
        }
        post = urllib.request.Request(
            self.callback_url, data=json.dumps(payload).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.callback_token}"})
        try:
            with urllib.request.urlopen(post, timeout=10) as answer:
                code = answer.status
        except urllib.error.HTTPError as refused:
            code = refused.code
        with self._lock:
            self.receipts.append(SentReceipt(payload, code))
        return code

    def wait_for_receipts(self, timeout: float = 10) -> None:
        """Waits until the receipts sent on their own (after each 201) have been answered."""
        with self._lock:
            pending = list(self._pending)
        for thread in pending:
            thread.join(timeout)

    def _answer(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        authorization = handler.headers.get("Authorization", "")
        try:
            payload = json.loads(body)
        except ValueError:
            payload = {}
        provider_id = None
        if authorization != f"Bearer {self.token}":
            status, answer = 403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]}
        elif payload.get("to") == self.TEMPORARY_FAILURE:
            status, answer = 500, {"errors": [{"error": "Exception", "message": "Internal server error"}]}
        elif payload.get("to") == self.PERMANENT_FAILURE or not payload.get("text"):
            status, answer = 400, {"errors": [{"error": "ValidationError", "message": "Not a valid mobile number"}]}
        else:
            provider_id = str(uuid.uuid4())
            status, answer = 201, {"id": provider_id, "reference": payload.get("reference")}
        with self._lock:
            self.requests.append(SMSRequest(authorization, payload, status, provider_id,
                                            handler.headers.get("Idempotency-Key"), notify_time()))
            outcome = self._failing.get(payload.get("to"), "delivered")
        data = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        handler.wfile.flush()
        if provider_id is not None and self.callback_url:
            # Like a gateway: the receipt comes on its own, once the answer has left.
            thread = threading.Thread(target=self.send_receipt, args=(provider_id, outcome), daemon=True)
            with self._lock:
                self._pending.append(thread)
            thread.start()
