"""Exports and imports through the running server and the command line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import networkx as nx
import orjson
import pytest

from server import export
from tests.integration.conftest import Workshop, note
from tests.support.server import ROOT


async def populate(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    await fac.do("note.add", **note(1, kind="impact", text="Policy cites evidence"))
    await fac.do("note.add", **note(2, kind="activity", text='Briefings, "monthly" <b>'))
    await fac.do("link.add", id="link0001", source="note0002", target="note0001", label="leads to")


@pytest.mark.rule("P19")
async def test_exports_are_for_the_facilitator_unless_shared(workshop: Workshop) -> None:
    await populate(workshop)
    ana = await workshop.participant("Ana")
    fac = workshop.clients[0]
    url = f"/api/workshops/{workshop.id}/export/graphml"
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.get(url, headers={"Authorization": f"Bearer {workshop.created['token']}"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/graphml+xml")
        assert 'filename="impact-of-the-evidence-service.graphml"' in r.headers["content-disposition"]
        g = nx.read_graphml(io.BytesIO(r.content))
        assert g.number_of_nodes() == 2 and g.nodes["note0002"]["text"] == 'Briefings, "monthly" <b>'
        r = await http.get(url, headers={"Authorization": f"Bearer {ana.token}"})
        assert (r.status_code, r.json()["code"]) == (403, "facilitator_only")
        r = await http.get(url)
        assert r.status_code == 401
        assert (await ana.refused("workshop.share_exports", enabled=True))["code"] == "facilitator_only"
        await fac.do("workshop.share_exports", enabled=True)
        r = await http.get(url, headers={"Authorization": f"Bearer {ana.token}"})
        assert r.status_code == 200
        await fac.do("workshop.share_exports", enabled=False)
        r = await http.get(url, headers={"Authorization": f"Bearer {ana.token}"})
        assert r.status_code == 403
        r = await http.get(
            f"/api/workshops/{workshop.id}/export/xlsx",
            headers={"Authorization": f"Bearer {workshop.created['token']}"},
        )
        assert (r.status_code, r.json()["code"]) == (404, "unknown_format")


async def test_every_format_downloads(workshop: Workshop) -> None:
    await populate(workshop)
    headers = {"Authorization": f"Bearer {workshop.created['token']}"}
    async with httpx.AsyncClient(base_url=workshop.server.url, headers=headers) as http:
        formats = (await http.get("/api/export-formats")).json()
        assert [f["name"] for f in formats] == list(export.FORMATS)
        for f in formats:
            r = await http.get(f"/api/workshops/{workshop.id}/export/{f['name']}")
            assert r.status_code == 200 and len(r.content) > 100, f["name"]


async def test_upload_imports_a_new_workshop_with_its_creator_as_facilitator(workshop: Workshop) -> None:
    await populate(workshop)
    headers = {"Authorization": f"Bearer {workshop.created['token']}"}
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        exported = (await http.get(f"/api/workshops/{workshop.id}/export/json", headers=headers)).content
        r = await http.post(
            "/api/workshops/import",
            files={"file": ("map.pathweaver.json", exported)},
            data={"facilitator_name": "Importer"},
        )
        assert r.status_code == 201, r.text
        created = r.json()
        assert created["participant"]["role"] == "facilitator" and created["id"] != workshop.id
        copy = (
            await http.get(
                f"/api/workshops/{created['id']}/map", headers={"Authorization": f"Bearer {created['token']}"}
            )
        ).json()
        assert sorted(n["text"] for n in copy["notes"]) == ['Briefings, "monthly" <b>', "Policy cites evidence"]
        bad = orjson.loads(exported)
        bad["links"][0]["target"] = "nowhere1"
        r = await http.post("/api/workshops/import", files={"file": ("map.json", orjson.dumps(bad))})
        assert r.status_code == 400 and "links[0] (id 'link0001'): note_missing" in r.json()["message"]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("notes.csv", "text,kind\nA,impact\nB,activity\n")
            z.writestr("links.csv", "source,target\nB,A\n")
        r = await http.post(
            "/api/workshops/import",
            files={"file": ("sheet.csv.zip", buffer.getvalue())},
            data={"title": "From a spreadsheet"},
        )
        assert r.status_code == 201 and r.json()["title"] == "From a spreadsheet"


def test_command_line_export_and_import(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    source = tmp_path / "map.json"
    from server import export
    from tests.support.maps import awkward_map

    source.write_bytes(export.export(awkward_map(), "json", 0))
    # A key of its own: the default (sessions/secret.key in the working tree) belongs to whoever runs a server there.
    env = {**os.environ, "PATHWEAVER_SECRET_KEY_FILE": str(tmp_path / "secret.key")}
    env_run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 60}
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "import", str(source), "--database-url", db], **env_run
    )
    assert result.returncode == 0, result.stderr
    assert "imported 8 notes and 6 links as workshop" in result.stdout
    workshop_id = result.stdout.split("as workshop ")[1].split()[0]
    out = tmp_path / "map.graphml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.cli",
            "export",
            workshop_id,
            "--format",
            "graphml",
            "-o",
            str(out),
            "--database-url",
            db,
        ],
        **env_run,
    )
    assert result.returncode == 0, result.stderr
    assert nx.read_graphml(out).number_of_nodes() == 8
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "pathweaver-map", "schema_version": 7}')
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "import", str(broken), "--database-url", db], **env_run
    )
    assert result.returncode == 1 and "schema_version" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "export", "nosuchworkshop", "--database-url", db], **env_run
    )
    assert result.returncode == 1 and "no workshop" in result.stderr


async def test_an_export_can_be_limited_to_one_impact_and_its_pathways(workshop: Workshop) -> None:
    await populate(workshop)
    fac = await workshop.facilitator()
    await fac.do("note.add", **note(3, kind="impact", text="Another impact, reached by nothing"))
    headers = {"Authorization": f"Bearer {workshop.created['token']}"}
    url = f"/api/workshops/{workshop.id}/export"
    async with httpx.AsyncClient(base_url=workshop.server.url, headers=headers) as http:
        r = await http.get(f"{url}/graphml", params={"impact": "note0001"})
        assert r.status_code == 200, r.text
        g = nx.read_graphml(io.BytesIO(r.content))
        assert set(g.nodes) == {"note0001", "note0002"} and g.number_of_edges() == 1
        r = await http.get(f"{url}/mermaid", params={"impact": "note0003"})
        assert r.status_code == 200 and "Another impact" in r.text and "Policy cites" not in r.text
        r = await http.get(f"{url}/mermaid", params={"impact": "note9999"})
        assert (r.status_code, r.json()["code"]) == (404, "note_missing")
        r = await http.get(f"{url}/mermaid", params={"impact": "bad id!"})
        assert r.status_code == 422


async def test_the_report_can_be_downloaded_without_names(workshop: Workshop) -> None:
    await populate(workshop)
    headers = {"Authorization": f"Bearer {workshop.created['token']}"}
    url = f"/api/workshops/{workshop.id}/export"
    async with httpx.AsyncClient(base_url=workshop.server.url, headers=headers) as http:
        name = (await http.get(f"{url}/json")).json()["participants"][0]["name"]
        named = await http.get(f"{url}/report-md")
        assert named.status_code == 200 and f"— {name}" in named.text
        r = await http.get(f"{url}/report-md", params={"names": "false"})
        assert r.status_code == 200 and f"— {name}" not in r.text and "Policy cites evidence" in r.text
        r = await http.get(f"{url}/csv", params={"names": "false"})
        assert (r.status_code, r.json()["code"]) == (400, "names_kept")
