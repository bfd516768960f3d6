"""Every open-data file and the feed, by its path in the site."""
from __future__ import annotations

from . import datapackage, editor_schemas, feed, stix
from .export import (all_relationships, data_version, entries_csv, kb_document, kind_csv, relationships_csv,
                     to_json)
from .graph import Graph
from .history import Dates
from .schema import Schema
from .site import Site


def data_files(graph: Graph, schema: Schema, history: dict[str, Dates], site: Site,
               commit: str | None = None) -> dict[str, str]:
    """{path under the site root: content} for every data file and the feed.
    commit is the git commit built (kb/history.py head_commit), the data's version with its date."""
    relations = all_relationships(graph, schema)
    version = data_version(history, graph, commit)
    files = {
        "data/kb.json": to_json(kb_document(graph, schema, history, site, relations, version), compact=True),
        "data/kb.schema.json": to_json(datapackage.export_schema(schema)),
        "data/kb.stix.json": stix.bundle_json(graph, schema, history, relations, site, version),
        "data/entries.csv": entries_csv(graph, schema, history, site),
        "data/relationships.csv": relationships_csv(relations),
        "data/datapackage.json": to_json(datapackage.descriptor(schema, site, version)),
        "feed.xml": feed.atom(graph, schema, history, site),
    }
    for kind in schema.kinds.values():
        files[f"data/{kind.folder}.csv"] = kind_csv(kind.name, graph, schema, history, site)
        files[f"data/schemas/{kind.name}.schema.json"] = editor_schemas.render(kind)
    return dict(sorted(files.items()))
