"""The ontology, read once: relations, actors and people from ``ontology/*.ttl``.

Everything the code knows about relations (names, symmetry, inverses,
polarity, cue phrases, colours) and about actors (ids, names, aliases,
demonyms, capitals, leaders, memberships) comes from here.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from . import terms
from .errors import InputError, UnknownActor, UnknownRelation
from .terms import BASE, ONTOLOGY_DIR, ONTOLOGY_FILES

__all__ = [
    "BASE",
    "AG",
    "ACTOR",
    "ARTICLE",
    "CLAIM",
    "PERSON",
    "WD",
    "ONTOLOGY_DIR",
    "Relation",
    "Actor",
    "Person",
    "TreatyType",
    "Vocabulary",
    "load_vocabulary",
]

AG = Namespace(terms.AG)
ACTOR = Namespace(terms.ACTOR)
ARTICLE = Namespace(terms.ARTICLE)
CLAIM = Namespace(terms.CLAIM)
PERSON = Namespace(terms.PERSON)
WD = Namespace(terms.WD)


@dataclass(frozen=True)
class Relation:
    """One row of the relation inventory."""

    name: str
    iri: URIRef
    label: str
    comment: str
    symmetric: bool
    inverse: URIRef | None
    polarity: int
    plover: str | None
    colour: str
    cues: tuple[str, ...]
    agent_cues: tuple[str, ...] = ()  # nouns naming the subject ("creditor"): possessor / "of" = object
    inverse_cues: tuple[str, ...] = ()  # grammatical subject is the relation's object ("owe")
    object_kind: str | None = None  # "State" / "Organization" when rdfs:range restricts the object
    qualified_cues: tuple[str, ...] = ()  # count only with one of ``qualifiers`` in their phrase ("naval cooperation")
    qualifiers: tuple[str, ...] = ()
    locative_cues: tuple[str, ...] = ()  # "met in Moscow": the place is the object, the participants the subjects
    collective_cues: tuple[str, ...] = ()  # "G7 is a group of seven countries, A, B ...": A memberOf G7
    travel_cues: tuple[str, ...] = ()  # "flew to Manila", "during a visit to Lusaka": the destination is the object
    plain_cues: tuple[str, ...] = ()  # the ag:cue literals themselves
    opinion_cues: tuple[str, ...] = ()  # "A and B agree that ...": with a clause as complement, an opinion
    stationed_cues: tuple[str, ...] = ()  # "troops in Iraq": forces or bases, whose place is a party

    @property
    def directed(self) -> bool:
        return not self.symmetric


@dataclass(frozen=True)
class Actor:
    """A state or an organisation, with every name that stands for it."""

    id: str
    iri: URIRef
    kind: str  # "State" or "Organization"
    label: str
    official_name: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    wikidata: str | None = None


@dataclass(frozen=True)
class Person:
    """A leader or official who stands for an actor."""

    iri: URIRef
    label: str
    aliases: tuple[str, ...]
    acts_for: str
    role: str | None = None
    term_start: str | None = None
    term_end: str | None = None


@dataclass(frozen=True)
class TreatyType:
    """A formal alliance obligation coded by the alliance datasets (COW, ATOP).

    A symmetric sub-property of a relation (``parent``), declared as
    ``ag:TreatyType`` so that it is not a relation the news extractor uses.
    ``columns`` maps a dataset name (``"cow"``, ``"atop"``) to the 0/1 column
    that codes it.
    """

    name: str
    iri: URIRef
    label: str
    comment: str
    parent: str
    colour: str
    columns: dict[str, str]


@dataclass(frozen=True)
class Vocabulary:
    """Relations, actors and people of the ontology.

    >>> v = load_vocabulary()
    >>> v.relation("alliedWith").symmetric
    True
    >>> v.actor("RUS").label
    'Russia'
    """

    relations: dict[str, Relation]
    actors: dict[str, Actor]
    people: tuple[Person, ...] = ()
    directory: Path = ONTOLOGY_DIR
    treaty_types: dict[str, TreatyType] = field(default_factory=dict)
    _by_iri: dict[URIRef, Relation] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_iri.update({r.iri: r for r in self.relations.values()})

    def __getitem__(self, name: str) -> Relation:
        return self.relation(name)

    def relation(self, name: str) -> Relation:
        try:
            return self.relations[name]
        except KeyError:
            raise UnknownRelation(name) from None

    def relation_for_iri(self, iri: URIRef) -> Relation | None:
        return self._by_iri.get(iri)

    def actor(self, actor_id: str) -> Actor:
        try:
            return self.actors[actor_id]
        except KeyError:
            raise UnknownActor(actor_id) from None

    def actor_iri(self, actor_id: str) -> URIRef:
        return ACTOR[actor_id]

    def actor_id(self, iri: URIRef | str) -> str | None:
        s = str(iri)
        if s.startswith(str(ACTOR)):
            return s[len(str(ACTOR)) :]
        return None

    def names(self) -> Iterator[tuple[str, str, str]]:
        """Every surface form that stands for an actor: ``(text, actor_id, kind)``.

        ``kind`` is one of name, alias, demonym, capital, metonym, person.
        """
        for a in self.actors.values():
            yield a.label, a.id, "name"
            if a.official_name:
                yield a.official_name, a.id, "alias"
            for text in a.aliases:
                yield text, a.id, "alias"
            for text in a.demonyms:
                yield text, a.id, "demonym"
            for text in a.capitals:
                yield text, a.id, "capital"
            for text in a.metonyms:
                yield text, a.id, "metonym"
        for p in self.people:
            if p.acts_for not in self.actors:
                continue
            yield p.label, p.acts_for, "person"
            for text in p.aliases:
                yield text, p.acts_for, "person"


def _text(g: Graph, s: URIRef, p: URIRef) -> str | None:
    v = g.value(s, p)
    return str(v) if v is not None else None


def _texts(g: Graph, s: URIRef, p: URIRef) -> tuple[str, ...]:
    return tuple(sorted({str(o) for o in g.objects(s, p) if isinstance(o, Literal)}))


def _local(iri: object) -> str | None:
    if isinstance(iri, URIRef) and str(iri).startswith(str(AG)):
        return str(iri)[len(str(AG)) :]
    return None


def _parse(directory: Path) -> Graph:
    g = Graph()
    for name in ONTOLOGY_FILES:
        path = directory / name
        if not path.exists():
            if name == "alliances.ttl":
                raise InputError(path, "ontology file is missing")
            continue
        try:
            g.parse(path, format="turtle")
        except Exception as e:  # rdflib raises several parser error types
            raise InputError(path, f"not valid Turtle: {e}") from e
    return g


@functools.lru_cache(maxsize=8)
def load_vocabulary(directory: Path | str = ONTOLOGY_DIR) -> Vocabulary:
    """Read the ontology in ``directory`` (cached per directory, and on disk by the files' hash).

    Parsing the ontology (about 7,300 triples) takes a few tenths of a second;
    the compiled vocabulary is kept in ``$ALLIANCE_GRAPH_CACHE`` (default
    ``~/.cache/alliance-graph``) under the SHA-256 of the ontology files and
    of this module, so any edit to either compiles it anew.  A cache that
    cannot be read or written is ignored.
    """
    directory = Path(directory)
    cache = _cache_path(directory)
    if cache is not None:
        try:
            with cache.open("rb") as f:
                vocab = pickle.load(f)
            if isinstance(vocab, Vocabulary):
                return vocab
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            pass
    vocab = _compile(directory)
    if cache is not None:
        _write_cache(cache, vocab)
    return vocab


def _cache_path(directory: Path) -> Path | None:
    root = os.environ.get("ALLIANCE_GRAPH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "alliance-graph")
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(str(directory.resolve()).encode("utf-8", "surrogateescape"))
    for name in ONTOLOGY_FILES:
        try:
            h.update(name.encode() + b"\0" + (directory / name).read_bytes() + b"\0")
        except FileNotFoundError:
            h.update(name.encode() + b"\0missing\0")
        except OSError:
            return None
    return Path(root) / f"vocabulary-{h.hexdigest()[:32]}.pickle"


def _write_cache(path: Path, vocab: Vocabulary) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vocabulary-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(vocab, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError):
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _compile(directory: Path) -> Vocabulary:
    g = _parse(directory)
    relations: dict[str, Relation] = {}
    for p in sorted(g.subjects(RDF.type, AG.Relation)):
        assert isinstance(p, URIRef)
        name = str(p)[len(str(AG)) :]
        inverse = g.value(p, OWL.inverseOf) or g.value(None, OWL.inverseOf, p)
        relations[name] = Relation(
            name=name,
            iri=p,
            label=_text(g, p, RDFS.label) or name,
            comment=_text(g, p, RDFS.comment) or "",
            symmetric=(p, RDF.type, OWL.SymmetricProperty) in g,
            inverse=inverse if isinstance(inverse, URIRef) else None,
            polarity=int(g.value(p, AG.polarity, default=Literal(0))),
            plover=_text(g, p, AG.plover),
            colour=_text(g, p, AG.colour) or "#888888",
            cues=tuple(sorted({*_texts(g, p, AG.cue), *_texts(g, p, AG.agentCue), *_texts(g, p, AG.inverseCue),
                               *_texts(g, p, AG.qualifiedCue), *_texts(g, p, AG.locativeCue),
                               *_texts(g, p, AG.collectiveCue), *_texts(g, p, AG.travelCue)})),
            agent_cues=_texts(g, p, AG.agentCue),
            inverse_cues=_texts(g, p, AG.inverseCue),
            object_kind=_local(g.value(p, RDFS.range)),
            qualified_cues=_texts(g, p, AG.qualifiedCue),
            qualifiers=_texts(g, p, AG.qualifier),
            locative_cues=_texts(g, p, AG.locativeCue),
            collective_cues=_texts(g, p, AG.collectiveCue),
            travel_cues=_texts(g, p, AG.travelCue),
            plain_cues=_texts(g, p, AG.cue),
            opinion_cues=_texts(g, p, AG.opinionCue),
            stationed_cues=_texts(g, p, AG.stationedCue),
        )
    actors: dict[str, Actor] = {}
    for kind in ("State", "Organization"):
        for s in g.subjects(RDF.type, AG[kind]):
            assert isinstance(s, URIRef)
            actor_id = str(s)[len(str(ACTOR)) :]
            wd = g.value(s, OWL.sameAs)
            actors[actor_id] = Actor(
                id=actor_id,
                iri=s,
                kind=kind,
                label=_text(g, s, RDFS.label) or actor_id,
                official_name=_text(g, s, AG.officialName),
                aliases=_texts(g, s, SKOS.altLabel),
                demonyms=_texts(g, s, AG.demonym),
                capitals=_texts(g, s, AG.capital),
                metonyms=_texts(g, s, AG.metonym),
                members=tuple(sorted(str(m)[len(str(ACTOR)) :] for m in g.objects(s, AG.hasMember))),
                wikidata=str(wd)[len(str(WD)) :] if wd is not None and str(wd).startswith(str(WD)) else None,
            )
    people = []
    for s in sorted(g.subjects(RDF.type, AG.Person)):
        assert isinstance(s, URIRef)
        acts_for = g.value(s, AG.actsFor)
        if acts_for is None:
            continue
        people.append(
            Person(
                iri=s,
                label=_text(g, s, RDFS.label) or str(s),
                aliases=_texts(g, s, SKOS.altLabel),
                acts_for=str(acts_for)[len(str(ACTOR)) :],
                role=_text(g, s, AG.role),
                term_start=_text(g, s, AG.termStart),
                term_end=_text(g, s, AG.termEnd),
            )
        )
    treaty_types: dict[str, TreatyType] = {}
    for p in sorted(g.subjects(RDF.type, AG.TreatyType)):
        assert isinstance(p, URIRef)
        parent = g.value(p, RDFS.subPropertyOf)
        if not isinstance(parent, URIRef) or parent not in {r.iri for r in relations.values()}:
            raise InputError(directory / "alliances.ttl", f"treaty type {p} is not a sub-property of a relation")
        name = str(p)[len(str(AG)) :]
        columns = {ds: str(col) for ds, prop in (("cow", AG.cowColumn), ("atop", AG.atopColumn))
                   if (col := g.value(p, prop)) is not None}
        treaty_types[name] = TreatyType(
            name=name, iri=p, label=_text(g, p, RDFS.label) or name, comment=_text(g, p, RDFS.comment) or "",
            parent=str(parent)[len(str(AG)) :], colour=_text(g, p, AG.colour) or "#888888", columns=columns,
        )
    return Vocabulary(relations=relations, actors=dict(sorted(actors.items())), people=tuple(people), directory=directory,
                      treaty_types=treaty_types)


def relation_table_markdown(vocab: Vocabulary) -> str:
    """The relation table of the README, made from the ontology."""
    lines = ["| relation | direction | polarity | means |", "|---|---|---|---|"]
    for rel in vocab.relations.values():
        direction = "symmetric" if rel.symmetric else "directed"
        polarity = {1: "+", 0: "0", -1: "−"}[rel.polarity]
        lines.append(f"| `{rel.name}` | {direction} | {polarity} | {rel.comment} |")
    return "\n".join(lines)
