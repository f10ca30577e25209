"""Refusals: the expected ways an operation is turned down. Codes are stable and keep their meaning forever."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str
    message: str


# code -> what it means (docs/protocol.md lists the same table; a test keeps them in step).
CODES: dict[str, str] = {
    "malformed_json": "the frame is not a JSON object",
    "frame_too_large": "the frame is larger than the frame size limit",
    "unknown_op": "the operation name is not one the server knows",
    "bad_frame": "a field is missing, has the wrong JSON type, or is not allowed",
    "bad_value": "a field has the right type but a value outside its allowed range or format",
    "text_too_long": "note text, a label, a title or a question is longer than its limit",
    "text_empty": "note text or a title is empty",
    "unknown_kind": "the note kind is not in this workshop's palette",
    "note_missing": "no note with that id exists in this workshop",
    "note_deleted": "the note was deleted",
    "note_exists": "a note or link with that id already exists (or existed)",
    "link_missing": "no link with that id exists",
    "link_deleted": "the link was deleted",
    "link_self": "a link cannot join a note to itself",
    "link_duplicate": "a link from that source to that target already exists",
    "board_full": "the workshop has reached its limit of notes or links",
    "board_locked": "the facilitator has locked the board",
    "facilitator_only": "only the workshop's facilitator may do this",
    "unauthorized": "no valid participant token for this workshop",
    "origin_forbidden": "the page's origin is not allowed to open this socket or make this change",
    "host_forbidden": "the request's Host is not a name this server answers to",
    "server_error": "the server failed to store the change; reconnect to resync",
    "rate_limited": "more frames or requests than accepted from one connection, participant or address; slow down",
    "workshop_full": "the workshop has as many participants as it may have",
    "joining_closed": "the facilitator has closed joining: no new participants for now",
    "body_too_large": "the request body is larger than the server reads for that address",
    "changed_since": "the note or link is no longer at the version the operation expected: someone changed it since",
    "phase_forbids": "the workshop's current phase does not let participants do this (rule P37)",
    "participant_missing": "no participant with that id is in this workshop",
    "participant_removed": "the facilitator removed this participant from the workshop: their token no longer works",
}


def refuse(code: str, message: str) -> Refusal:
    if code not in CODES:
        raise KeyError(f"unknown refusal code {code!r}")
    return Refusal(code, message)
