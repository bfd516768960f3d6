"""The knowledge base as a STIX 2.1 bundle (data/kb.stix.json), for OpenCTI, MISP and other
threat-intelligence platforms.

Narratives, channels and incidents use the object types OpenCTI added for
disinformation; actors are STIX identities or threat actors; debunks are
notes on what they answer; sources are external references of the objects
that cite them; every link between entries is a relationship carrying the
field it comes from and the actor's role.

Every id is a UUIDv5 of the entry's kind and id, so importing a newer bundle
updates the objects instead of adding copies, and every timestamp comes
from the entries' history, so a second build of the same data gives the
same bytes.
"""
from __future__ import annotations

import datetime as dt
import uuid

import stix2
from stix2.properties import ListProperty, StringProperty, TimestampProperty

from .dates import parse_date
from .entries import Entry
from .export import Relationship, Site, Version
from .feed import tag_uri
from .graph import PUSHING_ROLES, Graph
from .history import Dates
from .schema import Schema

# OpenCTI's extension definition for the object types it adds to STIX
# ("new-sdo"): STIX_EXT_OCTI in OpenCTI's
# opencti-platform/opencti-graphql/src/types/stix-2-1-extensions.ts, which
# its narrative converter (modules/narrative/narrative-converter.ts) puts on
# every narrative with extension_type "new-sdo".
OPENCTI_EXTENSION = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"
# Ids are UUIDv5 in a namespace of the knowledge base's own (the feed's tag: URI),
# so they never collide with another producer's.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, tag_uri("stix"))
# Actor types that are outlets or channels: OpenCTI's channel type (channel_types is an open vocabulary).
CHANNEL_TYPES = {"tv-channel", "newspaper", "news-agency", "website", "telegram-channel", "social-media-account"}
INDIVIDUALS = {"person"}
# The only link with a relationship type of its own in OpenCTI's model
# (RELATION_SUBNARRATIVE_OF, modules/narrative/narrative.ts); every other link
# is related-to, which OpenCTI accepts between any two objects, and says
# what it is in the knowledge base's property extension (field and role).
RELATIONSHIP_TYPES = {("narrative", "parent"): "subnarrative-of"}


# -- OpenCTI's types, with the properties its client library reads on import
# (pycti: entities/opencti_narrative.py, opencti_channel.py, opencti_event.py).

def _sdo_properties(*extra):
    # The common properties (created, external_references, labels...) the library adds itself.
    return [("name", StringProperty(required=True)), ("description", StringProperty()),
            ("aliases", ListProperty(StringProperty)), *extra]


@stix2.CustomObject("narrative", _sdo_properties(("narrative_types", ListProperty(StringProperty))),
                    extension_name=OPENCTI_EXTENSION)
class Narrative:
    pass


# The stix2 library registers an extension once, with the first type that
# names it; the other types mark themselves with it the way it does
# (stix2/custom.py: _custom_object_builder reads with_extension).
@stix2.CustomObject("channel", _sdo_properties(("channel_types", ListProperty(StringProperty))))
class Channel:
    with_extension = OPENCTI_EXTENSION


@stix2.CustomObject("event", _sdo_properties(("event_types", ListProperty(StringProperty)),
                                             ("start_time", TimestampProperty()),
                                             ("stop_time", TimestampProperty())))
class Event:
    with_extension = OPENCTI_EXTENSION


# -- the knowledge base's own property extension: what STIX has no property for.

def sid(stix_type: str, key: str) -> str:
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, key)}"


KB_EXTENSION = sid("extension-definition", "kb-properties")


@stix2.v21.CustomExtension(KB_EXTENSION, [
    ("relation", StringProperty()), ("role", StringProperty()), ("kind", StringProperty()),
    ("entry_id", StringProperty()), ("version", StringProperty()), ("commit", StringProperty()),
])
class KbProperties:
    extension_type = "property-extension"


def kb_properties(**values) -> dict:
    return {KB_EXTENSION: KbProperties(**{k: v for k, v in values.items() if v})}


# -- objects ---------------------------------------------------------------------

class Builder:
    """Turns the graph into STIX objects, one entry or link at a time."""

    def __init__(self, graph: Graph, history: dict[str, Dates], relations: list[Relationship], site: Site,
                 version: Version):
        self.graph, self.history, self.site, self.version = graph, history, site, version
        self.relations = relations
        self.author = sid("identity", "kb")
        first = min((created for created, _ in history.values()), default=None)
        self.stamps = {"created": first or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc),
                       "modified": dt.datetime.fromisoformat(version.updated.replace("Z", "+00:00"))}
        self.citations: dict[str, list[dict]] = {}
        for rel in relations:
            if rel.to_kind == "source":
                self.citations.setdefault(rel.source.path, []).append(self.source_reference(rel))

    def objects(self, schema: Schema) -> list:
        makers = {"narrative": self.narrative, "actor": self.actor, "incident": self.incident,
                  "debunk": self.debunk}
        found = [self.identity(), self.extension_definition()]
        for kind in schema.kinds.values():
            if kind.name in makers:
                found += [makers[kind.name](entry) for entry in self.graph.all(kind.name)]
        found += [self.relationship(rel) for rel in self.relations if rel.to_kind != "source"]
        return found

    # the knowledge base itself: the author of every object, and the data's version

    def identity(self):
        return stix2.Identity(id=self.author, name=self.site.name, identity_class="organization",
                              description="The open knowledge base of Russian propaganda and disinformation aimed at Kazakhstan.",
                              extensions=kb_properties(version=self.version.date, commit=self.version.commit),
                              **self.stamps)

    def extension_definition(self):
        return stix2.ExtensionDefinition(
            id=KB_EXTENSION, created_by_ref=self.author, name="Kazakhstan Disinformation Knowledge Base properties",
            description="kind and entry_id: the knowledge base entry an object comes from; relation: the entry's field "
                        "a relationship comes from (e.g. actors.actor); role: an actor's part in an incident "
                        "(originator, amplifier, target, responder, subject); version and commit: the data's version.",
            schema=self.site.absolute("data/") if self.site.url else "See the Data page of the knowledge base's site.",
            version="1.0", extension_types=["property-extension"], **self.stamps)

    # entries

    def common(self, entry: Entry) -> dict:
        created, updated = self.history[entry.path]
        page = [{"source_name": self.site.name, "external_id": entry.id, "url": self.site.absolute(self.site.page(entry))}]
        return {"id": sid(stix_type_of(self.graph, entry), f"{entry.kind.name}/{entry.id}"),
                "created": created, "modified": updated, "created_by_ref": self.author,
                "external_references": (page if self.site.url else []) + self.citations.get(entry.path, []),
                "labels": list(entry.get("tags") or []) or None,
                "extensions": kb_properties(kind=entry.kind.name, entry_id=entry.id)}

    def narrative(self, entry: Entry):
        text = "\n\n".join(t for t in (entry.get("summary"), entry.get("explainer")) if t)
        return self.opencti_object(Narrative, entry, name=entry.title, description=text)

    def actor(self, entry: Entry):
        actor_type, aliases = entry.get("actor_type"), list(entry.get("aliases") or []) or None
        values = dict(name=entry.title, description=entry.get("description"), aliases=aliases)
        if actor_type in CHANNEL_TYPES:
            return self.opencti_object(Channel, entry, channel_types=[actor_type], **values)
        if is_pusher(self.graph, entry):
            return stix2.ThreatActor(**self.common(entry), **values)
        del values["aliases"]  # an identity has no aliases in STIX 2.1
        identity_class = "individual" if actor_type in INDIVIDUALS else "organization"
        return stix2.Identity(**self.common(entry), identity_class=identity_class, **values)

    def incident(self, entry: Entry):
        start = parse_date(entry.get("date"))
        end = parse_date(entry.get("end_date") or entry.get("date"))
        return self.opencti_object(Event, entry, name=entry.title, description=entry.get("summary"),
                            start_time=_day_start(start.earliest), stop_time=_day_end(end.latest))

    def debunk(self, entry: Entry):
        answered = [sid(stix_type_of(self.graph, self.graph.get(kind, target)), f"{kind}/{target}")
                    for field, kind in (("incidents", "incident"), ("narratives", "narrative"))
                    for target in entry.get(field) or []]
        content = f"Claim: {entry.get('claim')}\n\nVerdict: {entry.get('verdict')}\n\n{entry.get('facts')}"
        return stix2.Note(**self.common(entry), abstract=entry.title, content=content,
                          authors=[self.site.name], object_refs=answered or [self.author])

    def opencti_object(self, cls, entry: Entry, **values):
        """An object of one of OpenCTI's types; the class adds OpenCTI's extension (extension_type new-sdo)."""
        return cls(**self.common(entry), **{k: v for k, v in values.items() if v is not None})

    # links

    def source_reference(self, rel: Relationship) -> dict:
        source = self.graph.get("source", rel.to_id)
        where = f", {rel.locator}" if rel.locator else ""
        reference = {"source_name": source.get("publisher") or source.title, "external_id": rel.to_id,
                     "description": f"{source.title}{where}"}
        url = source.get("url") or source.get("archived_url")
        if url:
            reference["url"] = url
        return reference

    def relationship(self, rel: Relationship):
        source = rel.source
        target = self.graph.get(rel.to_kind, rel.to_id)
        created, updated = self.history[source.path]
        kind = RELATIONSHIP_TYPES.get((source.kind.name, rel.relation), "related-to")
        role = f" ({rel.role})" if rel.role else ""
        key = f"{source.kind.name}/{source.id}|{rel.relation}|{rel.to_kind}/{rel.to_id}|{rel.role}"
        return stix2.Relationship(
            id=sid("relationship", key), relationship_type=kind, created=created, modified=updated,
            created_by_ref=self.author,
            source_ref=sid(stix_type_of(self.graph, source), f"{source.kind.name}/{source.id}"),
            target_ref=sid(stix_type_of(self.graph, target), f"{rel.to_kind}/{rel.to_id}"),
            description=f"{source.kind.name} {source.id}, field {rel.relation}{role}: {target.title}",
            extensions=kb_properties(relation=rel.relation, role=rel.role))


def stix_type_of(graph: Graph, entry: Entry) -> str:
    """The STIX type an entry becomes; an actor's depends on its type and part in incidents."""
    if entry.kind.name != "actor":
        return {"narrative": "narrative", "incident": "event", "debunk": "note"}[entry.kind.name]
    if entry.get("actor_type") in CHANNEL_TYPES:
        return "channel"
    return "threat-actor" if is_pusher(graph, entry) else "identity"


def is_pusher(graph: Graph, actor: Entry) -> bool:
    """Whether the actor originated or amplified an incident: what makes a threat actor here."""
    return any(role in PUSHING_ROLES for _incident, role in graph.incidents_of_actor.get(actor.id, []))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def _day_end(day: dt.date) -> dt.datetime:
    return _day_start(day) + dt.timedelta(days=1) - dt.timedelta(seconds=1)


def bundle_json(graph: Graph, schema: Schema, history: dict[str, Dates], relations: list[Relationship],
                site: Site, version: Version) -> str:
    """data/kb.stix.json: every narrative, actor, incident and debunk, and every link between them."""
    objects = Builder(graph, history, relations, site, version).objects(schema)
    bundle = stix2.Bundle(objects=objects, id=sid("bundle", "kb"))
    return bundle.serialize(ensure_ascii=False) + "\n"

