"""Text that cannot be stored (NUL, other C0 controls, U+FFFE/U+FFFF, lone surrogates) is refused at the edge,
on every path, so it never reaches a group commit: on PostgreSQL one NUL used to fail the whole group and
disconnect everyone."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import read_map

# Frames from one participant, each carrying text no database or XML file can hold (raw JSON, escapes and all).
BAD_FRAMES = {
    "bad-text": '{"op":"note.add","cid":"bad-text","id":"evil0001","kind":"impact","text":"nul\\u0000","x":0,"y":0}',
    "bad-kind": '{"op":"note.add","cid":"bad-kind","id":"evil0002","kind":"impact\\u000b","text":"k","x":0,"y":0}',
    "bad-id": '{"op":"note.add","cid":"bad-id","id":"evil\\u00000003","kind":"impact","text":"i","x":0,"y":0}',
    "bad-update": '{"op":"note.update","cid":"bad-update","id":"note0001","text":"from Word \\u000c"}',
    "bad-label": '{"op":"link.add","cid":"bad-label","id":"evil0004","source":"note0001","target":"note0002",'
    '"label":"\\ufffe"}',
    "bad-title": '{"op":"workshop.rename","cid":"bad-title","title":"Title\\u0000"}',
    "bad-question": '{"op":"workshop.rename","cid":"bad-question","question":"\\ud800"}',
    "bad-key": '{"op":"note.delete","cid":"bad-key","id":"note0001","\\u0000":1}',
}
BAD_CID_FRAME = '{"op":"note.add","cid":"nul\\u0000cid","id":"evil0005","kind":"impact","text":"c","x":0,"y":0}'


def storage_failures(workshop: Workshop) -> list[str]:
    return [line for line in workshop.server.log().splitlines() if "failed" in line or "Traceback" in line]


@pytest.mark.rule("P24")
async def test_unstorable_text_is_refused_while_others_operations_in_the_same_tick_are_stored(
    workshop: Workshop,
) -> None:
    fac = await workshop.facilitator()
    ben = await workshop.participant("Ben")
    await ben.do("note.add", **note(1))  # something just went out, so what follows waits for one tick together
    good = []
    for i, raw in enumerate([*BAD_FRAMES.values(), BAD_CID_FRAME]):
        await fac.send_raw(raw)
        good.append(await ben.send("note.add", **note(i + 2, text=f"Ben's note {i}\twith a tab\nand a line")))
    await ben.wait_for(lambda: all(c in ben.acks or c in ben.errors_by_cid for c in good), "answers to Ben")
    await fac.wait_for(lambda: len(fac.errors) == len(BAD_FRAMES) + 1, "an error for every bad frame")

    assert not ben.errors_by_cid, ben.errors_by_cid
    assert sorted(ben.acks[c] for c in good) == list(range(ben.acks[good[0]], ben.acks[good[0]] + len(good)))
    assert {cid: fac.errors_by_cid[cid]["code"] for cid in BAD_FRAMES} == dict.fromkeys(BAD_FRAMES, "bad_value")
    nameless = [e for e in fac.errors if e["cid"] is None]
    assert [e["code"] for e in nameless] == ["bad_value"], "an unstorable cid is refused, not echoed"
    assert "cannot be stored" in fac.errors_by_cid["bad-text"]["message"]

    # Nobody was disconnected, nobody was told the server failed, and storage never saw the text.
    assert all(e["code"] != "server_error" for e in fac.errors + ben.errors)
    await fac.do("note.add", **note("fac00001", text="still connected"))
    await ben.do("note.add", **note("ben00001", text="still connected"))
    assert fac.close_code is None and ben.close_code is None
    stored = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    texts = {n["id"]: n["text"] for n in stored["notes"]}
    assert all(texts[f"note{i + 2:>04}"].startswith("Ben's note") for i in range(len(good)))
    assert not any(note_id.startswith("evil") for note_id in texts)
    assert stored["workshop"]["title"] == "Impact of the evidence service"
    assert storage_failures(workshop) == []
    # What the server answered from memory is what storage holds: read it again after a restart.
    await workshop.close()
    workshop.server.stop()
    workshop.server.start(log_path=workshop.server.log_path)
    assert await read_map(workshop.server.url, workshop.id, workshop.created["token"]) == stored


@pytest.mark.rule("P24")
async def test_unstorable_text_over_http_forms_and_imports_gets_bad_value(workshop: Workshop) -> None:
    token = workshop.created["token"]
    auth = {"Authorization": f"Bearer {token}"}
    json_type = {"content-type": "application/json"}
    before = await read_map(workshop.server.url, workshop.id, token)
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        for path, body in [
            ("/api/workshops", '{"title": "Title\\u0000"}'),
            ("/api/workshops", '{"title": "Fine", "question": "\\ud800"}'),
            ("/api/workshops", '{"title": "Fine", "facilitator_name": "Fac\\u001b[31m"}'),
            ("/api/workshops", '{"title": "Fine", "kinds": [{"name": "a", "label": "A\\u000b", "colour": "#aabbcc"}]}'),
            ("/api/join", '{"code": "' + workshop.created["join_code"] + '", "name": "Eve\\u0000"}'),
            ("/api/join", '{"code": "\\udc00", "name": "Eve"}'),
        ]:
            r = await http.post(path, content=body, headers=json_type)
            assert (r.status_code, r.json()["code"]) == (422, "bad_value"), (path, body, r.text)
            assert "cannot be stored" in r.json()["message"]

        ops = f"/api/workshops/{workshop.id}/ops"
        for raw in [BAD_FRAMES["bad-text"], BAD_FRAMES["bad-title"], BAD_FRAMES["bad-question"], BAD_CID_FRAME]:
            r = await http.post(ops, content=raw, headers={**auth, **json_type})
            assert (r.status_code, r.json()["code"]) == (400, "bad_value"), (raw, r.text)

        r = await http.post(
            "/api/workshops/import",
            files={"file": ("map.csv", b"text,kind\nfine,impact\n", "text/csv")},
            data={"title": "Imported\x00"},
        )
        assert (r.status_code, r.json()["code"]) == (422, "bad_value"), r.text
        r = await http.post(
            "/api/workshops/import", files={"file": ("map.csv", b"text,kind\nbell\x07,impact\n", "text/csv")}
        )
        assert (r.status_code, r.json()["code"]) == (400, "import_failed"), r.text
        assert "notes.csv line 2, column text: U+0007" in r.json()["message"]
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("notes.csv", "text,kind\nfine,impact\nother,outcome\n")
            z.writestr("links.csv", "source,target,label\nfine,other,feeds\x0cback\n")
        r = await http.post("/api/workshops/import", files={"file": ("map.csv.zip", archive.getvalue())})
        assert (r.status_code, r.json()["code"]) == (400, "import_failed")
        assert "links.csv line 2, column label: U+000C" in r.json()["message"]

        # The pages' forms: create, join, and the list view's operations.
        r = await http.post("/create", data={"title": "Page\x00title"})
        assert r.status_code == 422 and "cannot be stored" in r.text
        r = await http.post(f"/j/{workshop.created['join_code']}", data={"name": "Eve\x00"})
        assert r.status_code == 422
        cookie = {"Cookie": f"pw_{workshop.id}={token}"}
        r = await http.post(
            f"/w/{workshop.id}/list/op",
            data={"action": "add", "kind": "impact", "text": "list\x00view"},
            headers=cookie,
        )
        assert r.status_code == 422 and "cannot be stored" in r.text
        r = await http.post("/api/workshops", json={"title": "Still open for business"})
        assert r.status_code == 201

    after = await read_map(workshop.server.url, workshop.id, token)
    assert (after["notes"], after["links"], after["workshop"]) == (before["notes"], before["links"], before["workshop"])
    assert storage_failures(workshop) == []
