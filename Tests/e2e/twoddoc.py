"""An independent reader of our 2D-Doc (version 04) barcode texts, for the browser tests.

Written from the format description (shared/domain-anef.md, section 4), not from the
Swift code, so a bug in one is caught by the other. Layout:

    header (26): "DC" "04" authority(4) certificate(4) issued(4 hex) signed(4 hex)
                 doc_type(2) perimeter(2) country(2)          dates = days since 2000-01-01
    data zone:   id(2) value ...  variable values end with GS (0x1D) unless last
    US (0x1F), then Base32 (RFC 4648, unpadded) of the raw 64-byte ECDSA P-256 r||s signature
    over header + data zone (UTF-8).

CLI: ``python3 twoddoc.py verify TEXT_FILE PUBLIC_KEY_PEM_FILE`` prints ``valid`` (exit 0) or
``invalid`` (exit 1); ``python3 twoddoc.py parse TEXT_FILE`` prints the fields as JSON.
"""

from __future__ import annotations

import base64
import datetime
import json
import sys

GS = "\x1d"
US = "\x1f"
HEADER_LENGTH = 26
EPOCH = datetime.date(2000, 1, 1)

# id -> fixed length, or None for a variable-length value.
FIELD_LENGTHS = {
    "AN": None,  # document number
    "NM": None,  # surnames
    "PN": None,  # given names
    "DN": 8,  # birth date, DDMMYYYY
    "DD": 8,  # valid from
    "DF": 8,  # valid until
    "DP": 8,  # filing date
    "ST": 1,  # standing: R, S, F, G
    "TR": 1,  # right to work: "1"
}
DATE_FIELDS = {"DN", "DD", "DF", "DP"}

_DIGITS = set("0123456789")
_HEX = set("0123456789ABCDEF")
_HEADER_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_BASE32 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def _day(hex_text: str) -> datetime.date:
    if len(hex_text) != 4 or not set(hex_text) <= _HEX:
        raise ValueError(f"bad date {hex_text!r}")
    return EPOCH + datetime.timedelta(days=int(hex_text, 16))


def _check_ddmmyyyy(text: str) -> None:
    if len(text) != 8 or not set(text) <= _DIGITS:
        raise ValueError(f"bad date {text!r}")
    # datetime.date refuses 31 February and friends.
    datetime.date(int(text[4:]), int(text[2:4]), int(text[:2]))


def _signature(text: str) -> bytes:
    if not text:
        raise ValueError("missing signature")
    if not set(text) <= _BASE32:
        raise ValueError("bad signature encoding")
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except Exception as error:  # binascii.Error for impossible lengths
        raise ValueError("bad signature encoding") from error
    # b32decode ignores the unused low bits of the last character: insist on the one canonical form.
    if base64.b32encode(raw).decode("ascii").rstrip("=") != text or len(raw) != 64:
        raise ValueError("bad signature encoding")
    return raw


def parse(text: str) -> dict:
    """Header, fields, signed message and raw signature; ValueError on anything malformed."""
    if not isinstance(text, str) or not text.startswith("DC"):
        raise ValueError("not a 2D-Doc")
    if text[2:4] != "04":
        raise ValueError("unsupported version")
    head = text[:HEADER_LENGTH]
    if len(head) < HEADER_LENGTH or not set(head[4:]) <= _HEADER_CHARS:
        raise ValueError("bad header")
    header = {
        "version": head[2:4],
        "authority": head[4:8],
        "certificate": head[8:12],
        "issued": _day(head[12:16]),
        "signed": _day(head[16:20]),
        "doc_type": head[20:22],
        "perimeter": head[22:24],
        "country": head[24:26],
    }

    cut = text.find(US)
    if cut < 0:
        raise ValueError("missing signature")
    message, signature_text = text[:cut], text[cut + 1 :]

    fields: dict[str, str] = {}
    data = message[HEADER_LENGTH:]
    pos = 0
    while pos < len(data):
        field_id = data[pos : pos + 2]
        if len(field_id) < 2:
            raise ValueError("truncated field id")
        if field_id not in FIELD_LENGTHS or field_id in fields:
            raise ValueError(f"unknown or repeated field {field_id!r}")
        pos += 2
        length = FIELD_LENGTHS[field_id]
        if length is None:
            stop = data.find(GS, pos)
            if stop < 0:
                fields[field_id] = data[pos:]
                pos = len(data)
            else:
                fields[field_id] = data[pos:stop]
                pos = stop + 1
                if pos == len(data):
                    raise ValueError("GS after the last field")
        else:
            value = data[pos : pos + length]
            if len(value) < length or GS in value:
                raise ValueError(f"bad length for {field_id}")
            if field_id in DATE_FIELDS:
                _check_ddmmyyyy(value)
            fields[field_id] = value
            pos += length

    return {"header": header, "fields": fields, "message": message, "signature": _signature(signature_text)}


def verify(text: str, public_key_pem: str | bytes) -> bool:
    """True only for a well-formed 2D-Doc whose signature matches the P-256 key; never raises."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    try:
        parsed = parse(text)
        pem = public_key_pem.encode("ascii") if isinstance(public_key_pem, str) else public_key_pem
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnicodeError):
        return False
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        return False
    raw = parsed["signature"]
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, parsed["message"].encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as file:
        # A signature never ends in a line break, so one added by an editor can go.
        return file.read().rstrip("\r\n")


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "verify":
        with open(argv[3], "rb") as file:
            ok = verify(_read_text(argv[2]), file.read())
        print("valid" if ok else "invalid")
        return 0 if ok else 1
    if len(argv) == 3 and argv[1] == "parse":
        try:
            parsed = parse(_read_text(argv[2]))
        except ValueError as error:
            print(f"invalid: {error}", file=sys.stderr)
            return 1
        header = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in parsed["header"].items()}
        print(json.dumps({"header": header, "fields": parsed["fields"]}, ensure_ascii=True))
        return 0
    print("usage: twoddoc.py verify TEXT_FILE KEY_FILE | parse TEXT_FILE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
