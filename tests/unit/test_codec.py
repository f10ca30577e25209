"""Decoding client frames: every malformed frame becomes a refusal with a stable code."""

from __future__ import annotations

import json

import pytest

from server.board import ops
from server.board.refusals import Refusal
from server.protocol.codec import decode, encode


@pytest.mark.rule("P15")
@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{", "malformed_json"),
        ("[1, 2]", "malformed_json"),
        ('"note.add"', "malformed_json"),
        (b'{"op": "caf\xe9"}', "malformed_json"),
        ('{"cid": "c1"}', "bad_frame"),
        ('{"op": 7}', "bad_frame"),
        ('{"op": "note.explode"}', "unknown_op"),
        ('{"op": "note.add", "id": "n001", "kind": "impact", "text": "x", "x": "0", "y": 0}', "bad_frame"),
        ('{"op": "note.add", "id": "n001", "kind": "impact", "text": "x", "x": true, "y": 0}', "bad_frame"),
        ('{"op": "note.add", "id": "n001", "kind": "impact", "text": "x", "x": 0, "y": 0, "evil": 1}', "bad_frame"),
        ('{"op": "note.delete"}', "bad_frame"),
        ('{"op": "note.delete", "id": "n001", "cid": 5}', "bad_frame"),
        ('{"op": "note.delete", "id": "n001", "cid": "' + "c" * 65 + '"}', "bad_frame"),
        ('{"op": "note.add", "id": "n001", "kind": "impact", "text": "x", "x": NaN, "y": 0}', "malformed_json"),
    ],
)
def test_malformed_frames(raw: str, code: str) -> None:
    result, _ = decode(raw)
    assert isinstance(result, Refusal)
    assert result.code == code, result.message


@pytest.mark.rule("P15")
def test_oversize_frame_is_refused_before_parsing() -> None:
    result, cid = decode("x" * 70_000, max_bytes=65_536)
    assert isinstance(result, Refusal) and result.code == "frame_too_large"
    assert "65536" in result.message and cid is None
    result, cid = decode('{"op": "note.add", "cid": "big-1", "text": "' + "x" * 70_000 + '"}', max_bytes=65_536)
    assert isinstance(result, Refusal) and result.code == "frame_too_large" and cid == "big-1"


def test_cid_is_echoed_even_when_the_frame_is_bad() -> None:
    result, cid = decode('{"op": "note.add", "cid": "abc"}')
    assert isinstance(result, Refusal) and cid == "abc"


def test_valid_frame_becomes_an_operation() -> None:
    result, cid = decode(b'{"op": "note.move", "cid": "m1", "id": "n001", "x": 3, "y": 4.5}')
    assert isinstance(result, ops.NoteMove)
    assert (result.id, result.x, result.y, cid) == ("n001", 3.0, 4.5, "m1")


def test_encode_is_compact_json() -> None:
    assert encode({"type": "ack", "acks": [{"cid": "é", "seq": 1}]}) == '{"type":"ack","acks":[{"cid":"é","seq":1}]}'


UNSTORABLE_FRAMES = [
    ('{"op": "note.add", "cid": "c1", "id": "n001", "kind": "impact", "text": "a\\u0000b", "x": 0, "y": 0}', "text"),
    ('{"op": "note.add", "cid": "c1", "id": "n001", "kind": "impact", "text": "a\\u000bb", "x": 0, "y": 0}', "text"),
    ('{"op": "note.add", "cid": "c1", "id": "n001", "kind": "imp\\u001fact", "text": "a", "x": 0, "y": 0}', "kind"),
    ('{"op": "note.update", "cid": "c1", "id": "n00\\u0001", "text": "a"}', "id"),
    ('{"op": "link.update", "cid": "c1", "id": "l001", "label": "\\uffff"}', "label"),
    ('{"op": "workshop.rename", "cid": "c1", "title": "T\\ufffe"}', "title"),
    ('{"op": "workshop.rename", "cid": "c1", "question": "Why\\u0008"}', "question"),
    ('{"op": "note.add\\u0000", "cid": "c1"}', "op"),
    ('{"op": "note.delete", "cid": "c1", "id": "n001", "extra": ["ok", {"deep": "\\u0007"}]}', "extra[1].deep"),
    ('{"op": "note.delete", "cid": "c1", "id": "n001", "k\\u0000ey": 1}', "key"),
    ('{"op": "note.add", "cid": "c1", "id": "n001", "kind": "impact", "text": "\\ud800", "x": 0, "y": 0}', "surrogate"),
    (
        '{"op": "note.add", "cid": "c1", "id": "n001", "kind": "impact", "text": "\\udc00x", "x": 0, "y": 0}',
        "surrogate",
    ),
]


@pytest.mark.rule("P24")
@pytest.mark.parametrize(("raw", "named"), UNSTORABLE_FRAMES)
def test_text_that_cannot_be_stored_is_refused_with_bad_value(raw: str, named: str) -> None:
    result, cid = decode(raw)
    assert isinstance(result, Refusal) and result.code == "bad_value", result
    assert named in result.message and "cannot be stored" in result.message
    assert cid == "c1"


@pytest.mark.rule("P24")
def test_an_unstorable_cid_is_refused_and_not_echoed() -> None:
    for cid_json in ('"c\\u0000"', '"\\ud800"', '"c\\u001b[31m"'):
        result, cid = decode('{"op": "note.delete", "id": "n001", "cid": ' + cid_json + "}")
        assert isinstance(result, Refusal) and result.code == "bad_value" and cid is None, (cid_json, result)
    result, cid = decode('{"op": "note.add", "cid": "c\u0000", "text": "' + "x" * 70_000 + '"}', max_bytes=65_536)
    assert isinstance(result, Refusal) and result.code == "frame_too_large" and cid is None


def test_tabs_line_ends_and_all_other_unicode_are_kept() -> None:
    text = "tab\there\nline\r\nend \x7f \x85 \ufffd \ufdd0 \U0001f600 \u200f"
    raw = encode({"op": "note.add", "cid": "c1", "id": "n001", "kind": "impact", "text": text, "x": 0, "y": 0})
    result, _ = decode(raw)
    assert isinstance(result, ops.NoteAdd) and result.text == text
    result, _ = decode('{"op": "note.update", "id": "n001", "text": "\\ud83d\\ude00"}')  # an escaped pair is fine
    assert isinstance(result, ops.NoteUpdate) and result.text == "\U0001f600"


@pytest.mark.rule("P24")
def test_every_character_is_refused_exactly_when_it_cannot_be_stored() -> None:
    """Each character of the Basic Multilingual Plane in note text, as any JSON encoder writes it (escaped or raw,
    as text or bytes): refused with bad_value exactly when it is one the rule names."""
    refused = set()
    for code in [*range(0xD800), *range(0xE000, 0x10000)]:
        frame = {"op": "note.update", "cid": "c1", "id": "n001", "text": f"a{chr(code)}b"}
        variants = (encode(frame), encode(frame).encode(), json.dumps(frame), json.dumps(frame, ensure_ascii=False))
        results = [decode(raw)[0] for raw in variants]
        codes = {r.code if isinstance(r, Refusal) else "accepted" for r in results}
        assert codes in ({"accepted"}, {"bad_value"}), (hex(code), codes)
        if codes == {"bad_value"}:
            refused.add(code)
    assert refused == {*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF}
