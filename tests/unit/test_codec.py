"""Decoding client frames: every malformed frame becomes a refusal with a stable code."""

from __future__ import annotations

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
