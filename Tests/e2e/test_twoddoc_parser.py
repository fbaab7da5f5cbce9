"""The Python 2D-Doc reader on its own (no server): documents signed here with a fresh key."""

from __future__ import annotations

import base64
import datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

import twoddoc

GS, US = twoddoc.GS, twoddoc.US


def _hex_day(day: datetime.date) -> str:
    return f"{(day - datetime.date(2000, 1, 1)).days:04X}"


def _sign(message: str, key: ec.EllipticCurvePrivateKey) -> str:
    r, s = decode_dss_signature(key.sign(message.encode("utf-8"), ec.ECDSA(hashes.SHA256())))
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return message + US + base64.b32encode(raw).decode("ascii").rstrip("=")


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def public_pem(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _message(last_variable: bool = False) -> str:
    issued = datetime.date(2026, 12, 3)
    header = "DC04" + "AP01" + "K7QX" + _hex_day(issued) * 2 + "A1" + "01" + "FR"
    data = "AN" + "API-2026-000123" + GS + "NM" + "D'ARC-NUNEZ" + GS + "PN" + "ZOE MARIE" + GS
    data += "DN" + "29021996" + "DD" + "03122026" + "DF" + "02062027" + "ST" + "R" + "TR" + "1"
    if last_variable:
        data = "DF02062027" + "AN" + "API-7"
    return header + data


def test_hex_day_of_known_dates():
    assert _hex_day(datetime.date(2000, 1, 1)) == "0000"
    assert _hex_day(datetime.date(2026, 12, 3)) == "2669"


def test_parse_and_verify(key, public_pem):
    text = _sign(_message(), key)
    parsed = twoddoc.parse(text)
    assert parsed["header"] == {
        "version": "04",
        "authority": "AP01",
        "certificate": "K7QX",
        "issued": datetime.date(2026, 12, 3),
        "signed": datetime.date(2026, 12, 3),
        "doc_type": "A1",
        "perimeter": "01",
        "country": "FR",
    }
    assert parsed["fields"] == {
        "AN": "API-2026-000123",
        "NM": "D'ARC-NUNEZ",
        "PN": "ZOE MARIE",
        "DN": "29021996",
        "DD": "03122026",
        "DF": "02062027",
        "ST": "R",
        "TR": "1",
    }
    assert parsed["message"] == _message()
    assert len(parsed["signature"]) == 64
    assert twoddoc.verify(text, public_pem)
    assert twoddoc.verify(text, public_pem.decode("ascii"))


def test_last_variable_field_has_no_gs(key, public_pem):
    text = _sign(_message(last_variable=True), key)
    assert twoddoc.parse(text)["fields"] == {"DF": "02062027", "AN": "API-7"}
    assert twoddoc.verify(text, public_pem)
    with pytest.raises(ValueError):
        twoddoc.parse(_sign(_message(last_variable=True) + GS, key))


def test_every_one_character_change_is_refused(key, public_pem):
    text = _sign(_message(), key)
    for i, original in enumerate(text):
        for replacement in ("A", "7"):
            if replacement == original:
                replacement = "B"
            changed = text[:i] + replacement + text[i + 1 :]
            assert not twoddoc.verify(changed, public_pem), f"change at {i} accepted"


def test_other_key_refused(key):
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    pem = other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert not twoddoc.verify(_sign(_message(), key), pem)
    assert not twoddoc.verify(_sign(_message(), key), b"not a key")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "DC",
        "DC03" + "X" * 30,
        "DC04AP01",
        _message(),  # no US
        _message() + US,  # no signature
        _message() + US + "A" * 102 + "B",  # unused low bits set
        _message() + US + "MZXW6YTBOI",  # too short
        _message() + US + "a" * 103,  # lowercase
        "DC04AP01K7QX2669266ZA101FR" + US + "A" * 102 + "Q",  # bad hex date
        "DC04AP01K7QX26692669A101FR" + "XX1" + US + "A" * 102 + "Q",  # unknown field
        "DC04AP01K7QX26692669A101FR" + "DN3102202" + US + "A" * 102 + "Q",  # 31 February, short
        "DC04AP01K7QX26692669A101FR" + "DN31022026" + US + "A" * 102 + "Q",  # 31 February
        "DC04AP01K7QX26692669A101FR" + "ANX" + GS + "ANY" + US + "A" * 102 + "Q",  # repeated
    ],
)
def test_malformed_texts_raise_value_error(text):
    with pytest.raises(ValueError):
        twoddoc.parse(text)


def test_canonical_signature_parses():
    # The zero signature is well formed (it just never verifies).
    text = "DC04AP01K7QX26692669A101FR" + "TR1" + US + "A" * 103
    assert twoddoc.parse(text)["signature"] == bytes(64)


def test_cli(tmp_path, key, public_pem):
    text_file, key_file = tmp_path / "doc.txt", tmp_path / "key.pem"
    text_file.write_text(_sign(_message(), key), encoding="utf-8", newline="")
    key_file.write_bytes(public_pem)
    assert twoddoc.main(["twoddoc.py", "verify", str(text_file), str(key_file)]) == 0
    assert twoddoc.main(["twoddoc.py", "parse", str(text_file)]) == 0
    text_file.write_text(_sign(_message(), key).replace("NUNEZ", "NUNES"), encoding="utf-8", newline="")
    assert twoddoc.main(["twoddoc.py", "verify", str(text_file), str(key_file)]) == 1
