"""Workshop ids and secrets."""

from __future__ import annotations

from server.workshops import new_id


def test_ids_never_start_like_a_command_line_option() -> None:
    ids = [new_id() for _ in range(5000)]  # with a leading "-" one time in 64, 5,000 ids would hold ~78
    assert all(i[0].isalnum() for i in ids)
    assert all(len(i) == 12 for i in ids) and len(set(ids)) == len(ids)
