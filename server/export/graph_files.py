"""GraphML and GEXF, written by networkx, for yEd, Gephi, Cytoscape and PRSM."""

from __future__ import annotations

import io
import re

import networkx as nx

from server.export.mapview import MapView, iso


def graphml(view: MapView) -> bytes:
    g = view.for_xml().graph.copy()
    for _, attrs in g.nodes(data=True):
        attrs["label"] = attrs["text"]
    out = io.BytesIO()
    nx.write_graphml(g, out, encoding="utf-8", named_key_ids=True)
    return out.getvalue()


def _rgb(colour: str) -> dict[str, int | float]:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0}


def gexf(view: MapView, exported_at: int) -> bytes:
    g = view.for_xml().graph.copy()
    for _, attrs in g.nodes(data=True):
        attrs["label"] = attrs["text"]
        # Gephi draws the group's layout and colours from the viz attributes (y grows downwards on the board).
        attrs["viz"] = {"color": _rgb(attrs["colour"]), "position": {"x": attrs["x"], "y": -attrs["y"], "z": 0.0}}
    out = io.BytesIO()
    nx.write_gexf(g, out, encoding="utf-8")
    # The file's own date and maker, not networkx's (which would make identical maps differ by day and version).
    meta = f'<meta lastmodifieddate="{iso(exported_at)[:10]}">\n    <creator>Pathweaver</creator>'.encode()
    return re.sub(rb'<meta lastmodifieddate="[^"]*">\s*<creator>[^<]*</creator>', meta, out.getvalue(), count=1)
