"""Loopback stand-ins for the outbox's providers, for test_outbox_delivery.py.

- SMTPSink: a real SMTP server (aiosmtpd) that requires a login and refuses some recipients the
  way real servers do (550 for good, 451 for now).
- SMSSink: an HTTP SMS provider in a thread. Like GOV.UK Notify's test numbers, the number
  decides the answer: TEMPORARY_FAILURE gets a 500, PERMANENT_FAILURE a 400, any other 201.
"""
from __future__ import annotations

import json
import socket
import threading
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


@dataclass
class SMSSink:
    token: str = "sms-test-token"
    TEMPORARY_FAILURE = "+33600000500"
    PERMANENT_FAILURE = "+33600000400"
    requests: list[SMSRequest] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
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
                                            handler.headers.get("Idempotency-Key")))
        data = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
