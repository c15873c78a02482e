#!/usr/bin/env python3
"""Build ontology/actors.ttl, the reference actors of the alliance graph.

Sources:
  * pycountry: every ISO 3166-1 entry becomes an ag:State (codes and names);
  * ontology/src/states.yaml: labels, aliases, demonyms, capitals, metonyms
    and Wikidata ids curated by hand;
  * ontology/src/organizations.yaml: intergovernmental organisations and
    their member states;
  * ontology/src/people.yaml: leaders and officials and the actor each one
    acts for.

The curated data is checked before anything is written.  The build fails
with a message naming the offending entries when a code is unknown, when a
member is not a known actor, or when one name (label, alias, demonym,
capital, metonym, person name; compared case- and accent-insensitively)
would stand for two different actors.

The Turtle is written by hand in a fixed order, so the same inputs give a
byte-identical file:

    python scripts/build_actors.py              # writes ontology/actors.ttl
    python scripts/build_actors.py --out x.ttl  # writes elsewhere
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "ontology" / "src"
DEFAULT_OUT = ROOT / "ontology" / "actors.ttl"
STATES_YAML = SRC / "states.yaml"
ORGS_YAML = SRC / "organizations.yaml"
PEOPLE_YAML = SRC / "people.yaml"

PREFIXES = (
    ("ag", "https://w3id.org/alliance-graph/ontology#"),
    ("actor", "https://w3id.org/alliance-graph/actor/"),
    ("person", "https://w3id.org/alliance-graph/person/"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("wd", "http://www.wikidata.org/entity/"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
)

STATE_KEYS = frozenset({"label", "official_name", "drop_names", "aliases", "demonyms", "capitals", "metonyms", "wikidata"})
ORG_KEYS = frozenset(
    {
        "label",
        "official_name",
        "aliases",
        "metonyms",
        "wikidata",
        "members",
        "members_from",
        "except",
        "expected_count",
    }
)
PERSON_KEYS = frozenset({"id", "name", "aliases", "roles"})

# Bare names that must never be a person alias: English words, very common
# names, and surnames shared by two officials in the news (Castro of Cuba and
# of Honduras, Rudd of Australia and of Britain, Rasmussen of NATO and of
# Denmark), which would match far more than the person meant.
FORBIDDEN_PERSON_ALIASES = frozenset(
    {
        "abbott", "austin", "ban", "bennett", "bishop", "bolton", "boric", "borne",
        "brown", "carter", "castro", "chad", "cleverly", "cohen", "cooper", "costa",
        "fallon", "fernandez", "fernández", "fox", "gabriel", "gallant", "gates",
        "haley", "hague", "hammond", "harper", "harris", "hunt", "johnson", "khan",
        "kim", "lee", "li", "long", "maliki", "al-maliki", "may", "michel", "moon",
        "morrison", "park", "payne", "philippe", "rasmussen", "rice", "rodriguez",
        "rodríguez", "rudd", "santos", "sharif", "singh", "store", "sullivan",
        "truss", "tusk", "wallace", "wang", "wong", "yoon",
    }
)  # fmt: skip

# Demonyms shared by two ISO entries (Korea, Congo, Guinea, Dominica ...).
AMBIGUOUS_DEMONYMS = frozenset({"korean", "congolese", "guinean", "dominican", "samoan"})

WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
ORG_ID_RE = re.compile(r"^[A-Z][A-Z0-9]*$")

# Letters that NFKD does not decompose into a base letter plus a mark.
_FOLD_EXTRA = str.maketrans(
    {
        "ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d",
        "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
        "’": "'", "‘": "'", "–": "-", "—": "-",
    }
)  # fmt: skip


class DataError(Exception):
    """The curated data is inconsistent; the message lists every problem."""


# ---------------------------------------------------------------- names


def fold(text: str) -> str:
    """Return ``text`` without accents ("Erdoğan" -> "Erdogan")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(text: str) -> str:
    """The key under which two names count as the same name."""
    return " ".join(fold(text).casefold().split())


def with_folded(names: list[str]) -> list[str]:
    """Each name followed by its accent-free variant when that differs."""
    out: list[str] = []
    for name in names:
        out.append(name)
        plain = fold(name)
        if plain != name:
            out.append(plain)
    return out


def unique(names: list[str], exclude: set[str] | None = None) -> list[str]:
    """Drop exact (case-insensitive) repeats and names in ``exclude``."""
    seen = {n.casefold() for n in exclude or set()}
    out: list[str] = []
    for name in names:
        name = " ".join(name.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")


def strip_article(text: str) -> str:
    return text[4:] if text.startswith("the ") else text


# ---------------------------------------------------------------- model


@dataclass
class Actor:
    id: str
    kind: str  # "State" or "Organization"
    label: str
    official_name: str | None = None
    alt_labels: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    capitals: list[str] = field(default_factory=list)
    metonyms: list[str] = field(default_factory=list)
    wikidata: str | None = None
    iso3: str | None = None
    iso2: str | None = None
    iso_numeric: str | None = None
    members: list[str] = field(default_factory=list)


@dataclass
class Role:
    title: str
    start: dt.date | None
    end: dt.date | None


@dataclass
class Person:
    slug: str
    label: str
    alt_labels: list[str]
    actor: str
    roles: list[Role]

    @property
    def principal_role(self) -> Role:
        """The first listed office still held, else the office held last."""
        current = [r for r in self.roles if r.end is None]
        if current:
            return current[0]
        return max(self.roles, key=lambda r: r.end or dt.date.min)

    @property
    def history(self) -> list[Role]:
        """All offices in date order."""
        return sorted(self.roles, key=lambda r: (r.start or dt.date.min, r.end or dt.date.max))

    @property
    def term_start(self) -> dt.date | None:
        starts = [r.start for r in self.roles]
        return None if any(s is None for s in starts) else min(s for s in starts if s)

    @property
    def term_end(self) -> dt.date | None:
        ends = [r.end for r in self.roles]
        return None if any(e is None for e in ends) else max(e for e in ends if e)


@dataclass
class Catalogue:
    states: list[Actor]
    organizations: list[Actor]
    people: list[Person]

    @property
    def actors(self) -> dict[str, Actor]:
        return {a.id: a for a in [*self.states, *self.organizations]}


# ---------------------------------------------------------------- loading


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise DataError(f"  - {path.name}: cannot read: {exc}") from exc
    if data is not None and not isinstance(data, dict):
        raise DataError(f"  - {path.name}: expected a mapping at the top level")
    odd = [key for key in data or {} if not isinstance(key, str)]
    if odd:  # YAML reads an unquoted NO or ON as a boolean
        raise DataError(f"  - {path.name}: keys must be strings (quote them): {odd!r}")
    return data or {}


def str_list(value: Any, where: str, errors: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.append(f"{where}: expected a list of non-empty strings, got {value!r}")
        return []
    return [str(v) for v in value]


def check_wikidata(value: Any, where: str, errors: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not WIKIDATA_RE.match(value):
        errors.append(f"{where}: bad Wikidata id {value!r}")
        return None
    return value


def build_states(curated: dict[str, Any], errors: list[str]) -> list[Actor]:
    countries = {c.alpha_3: c for c in pycountry.countries}
    for code in sorted(set(curated) - set(countries)):
        errors.append(f"states.yaml: unknown ISO 3166-1 alpha-3 code {code!r}")
    states: list[Actor] = []
    for code in sorted(countries):
        country = countries[code]
        entry = curated.get(code) or {}
        where = f"states.yaml {code}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: expected a mapping, got {entry!r}")
            entry = {}
        for key in sorted(set(entry) - STATE_KEYS):
            errors.append(f"{where}: unknown key {key!r}")
        iso_name: str = country.name
        common: str | None = getattr(country, "common_name", None)
        iso_official: str | None = getattr(country, "official_name", None)
        label = entry.get("label") or common or iso_name
        if not isinstance(label, str):
            errors.append(f"{where}: label must be a string, got {label!r}")
            label = common or iso_name
        if "official_name" in entry:
            official = entry["official_name"]
            if official is not None and not isinstance(official, str):
                errors.append(f"{where}: official_name must be a string or null, got {official!r}")
                official = None
        else:
            official = strip_article(iso_official) if iso_official else None
        dropped = {n.casefold() for n in str_list(entry.get("drop_names"), where, errors)}
        derived = [n for n in (iso_name, iso_official, common, official) if n]
        derived = [strip_article(n) for n in derived if n.casefold() not in dropped]
        aliases = str_list(entry.get("aliases"), where, errors)
        states.append(
            Actor(
                id=code,
                kind="State",
                label=label,
                official_name=official,
                alt_labels=unique(with_folded([*derived, *aliases, label]), exclude={label}),
                demonyms=unique(with_folded(str_list(entry.get("demonyms"), where, errors))),
                capitals=unique(with_folded(str_list(entry.get("capitals"), where, errors))),
                metonyms=unique(with_folded(str_list(entry.get("metonyms"), where, errors))),
                wikidata=check_wikidata(entry.get("wikidata"), where, errors),
                iso3=code,
                iso2=country.alpha_2,
                iso_numeric=country.numeric,
            )
        )
    return states


def build_organizations(curated: dict[str, Any], state_ids: set[str], errors: list[str]) -> list[Actor]:
    orgs: dict[str, Actor] = {}
    pending: dict[str, dict[str, Any]] = {}
    for org_id in sorted(curated):
        entry = curated[org_id] or {}
        where = f"organizations.yaml {org_id}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: expected a mapping, got {entry!r}")
            continue
        if not ORG_ID_RE.match(str(org_id)):
            errors.append(f"{where}: id must be an upper-case acronym")
            continue
        if org_id in state_ids:
            errors.append(f"{where}: id is also an ISO alpha-3 code")
            continue
        for key in sorted(set(entry) - ORG_KEYS):
            errors.append(f"{where}: unknown key {key!r}")
        label = entry.get("label")
        official = entry.get("official_name")
        if not isinstance(label, str) or not isinstance(official, str):
            errors.append(f"{where}: label and official_name are required")
            continue
        aliases = str_list(entry.get("aliases"), where, errors)
        orgs[org_id] = Actor(
            id=org_id,
            kind="Organization",
            label=label,
            official_name=official,
            alt_labels=unique(with_folded([official, *aliases, label]), exclude={label}),
            metonyms=unique(with_folded(str_list(entry.get("metonyms"), where, errors))),
            wikidata=check_wikidata(entry.get("wikidata"), where, errors),
        )
        pending[org_id] = entry

    known = state_ids | set(orgs)
    resolved: dict[str, list[str]] = {}

    def members_of(org_id: str, chain: tuple[str, ...]) -> list[str]:
        if org_id in resolved:
            return resolved[org_id]
        entry = pending[org_id]
        where = f"organizations.yaml {org_id}"
        if "members_from" in entry:
            source = entry["members_from"]
            if source not in pending or source in chain:
                errors.append(f"{where}: members_from {source!r} is not another organisation here")
                return []
            excluded = str_list(entry.get("except"), where, errors)
            base = members_of(source, (*chain, org_id))
            for code in excluded:
                if code not in base:
                    errors.append(f"{where}: except {code!r} is not a member of {source}")
            members = [m for m in base if m not in excluded]
            if "members" in entry:
                errors.append(f"{where}: give either members or members_from, not both")
        else:
            members = str_list(entry.get("members"), where, errors)
        for code in members:
            if code not in known:
                errors.append(f"{where}: member {code!r} is not a known actor")
            elif code == org_id:
                errors.append(f"{where}: an organisation cannot be its own member")
        repeated = sorted({m for m in members if members.count(m) > 1})
        if repeated:
            errors.append(f"{where}: members listed twice: {', '.join(repeated)}")
        expected = entry.get("expected_count")
        if expected is not None and expected != len(set(members)):
            errors.append(f"{where}: expected {expected} members, found {len(set(members))}")
        resolved[org_id] = sorted(set(members) & known)
        return resolved[org_id]

    for org_id, actor in orgs.items():
        actor.members = members_of(org_id, ())
        if not actor.members:
            errors.append(f"organizations.yaml {org_id}: no members")
    return [orgs[k] for k in sorted(orgs)]


def parse_date(value: Any, where: str, errors: list[str]) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(f"{where}: bad date {value!r} (use YYYY-MM-DD or null)")
    return None


def build_people(curated: dict[str, Any], known: set[str], errors: list[str]) -> list[Person]:
    people: list[Person] = []
    slugs: dict[str, str] = {}
    for actor_id in sorted(curated):
        if actor_id not in known:
            errors.append(f"people.yaml: group {actor_id!r} is not a known actor")
            continue
        group = curated[actor_id] or []
        if not isinstance(group, list):
            errors.append(f"people.yaml {actor_id}: expected a list of people")
            continue
        for entry in group:
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not name.strip():
                errors.append(f"people.yaml {actor_id}: entry without a name: {entry!r}")
                continue
            where = f"people.yaml {actor_id} {name!r}"
            for key in sorted(set(entry) - PERSON_KEYS):
                errors.append(f"{where}: unknown key {key!r}")
            slug = str(entry.get("id") or slugify(name))
            if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", slug):
                errors.append(f"{where}: bad id {slug!r}")
            if slug in slugs:
                errors.append(f"{where}: id {slug!r} already used by {slugs[slug]}")
            slugs[slug] = where
            aliases = str_list(entry.get("aliases"), where, errors)
            for alias in aliases:
                if alias.casefold() in FORBIDDEN_PERSON_ALIASES:
                    errors.append(f"{where}: alias {alias!r} is too ambiguous to use alone")
            roles: list[Role] = []
            for raw in entry.get("roles") or []:
                if not isinstance(raw, list) or not 1 <= len(raw) <= 3 or not isinstance(raw[0], str):
                    errors.append(f"{where}: role must be [title, start, end], got {raw!r}")
                    continue
                start = parse_date(raw[1] if len(raw) > 1 else None, where, errors)
                end = parse_date(raw[2] if len(raw) > 2 else None, where, errors)
                if start and end and start > end:
                    errors.append(f"{where}: role {raw[0]!r} ends before it starts")
                roles.append(Role(raw[0], start, end))
            if not roles:
                errors.append(f"{where}: at least one role is required")
            people.append(
                Person(
                    slug=slug,
                    label=name,
                    alt_labels=unique(with_folded([*aliases, name]), exclude={name}),
                    actor=actor_id,
                    roles=roles,
                )
            )
    return sorted(people, key=lambda p: p.slug)


# ---------------------------------------------------------------- checks


def surface_forms(catalogue: Catalogue) -> dict[str, dict[str, set[str]]]:
    """Map each name key to the actors it stands for and where it comes from."""
    forms: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for actor in catalogue.actors.values():
        named = [
            ("label", [actor.label]),
            ("officialName", [actor.official_name] if actor.official_name else []),
            ("altLabel", actor.alt_labels),
            ("demonym", actor.demonyms),
            ("capital", actor.capitals),
            ("metonym", actor.metonyms),
        ]
        for prop, names in named:
            for name in names:
                forms[name_key(name)][actor.id].add(f"{prop} of {actor.id} ({name!r})")
    for person in catalogue.people:
        for name in [person.label, *person.alt_labels]:
            forms[name_key(name)][person.actor].add(f"name of person:{person.slug} ({name!r})")
    return forms


def check_catalogue(catalogue: Catalogue, errors: list[str]) -> None:
    for key, by_actor in sorted(surface_forms(catalogue).items()):
        if len(by_actor) > 1:
            sources = "; ".join(sorted(s for srcs in by_actor.values() for s in srcs))
            errors.append(f"name {key!r} stands for {len(by_actor)} actors: {sources}")
    for state in catalogue.states:
        for demonym in state.demonyms:
            if demonym.casefold() in AMBIGUOUS_DEMONYMS:
                errors.append(f"states.yaml {state.id}: demonym {demonym!r} is ambiguous")
    seen: dict[str, str] = {}
    for actor in catalogue.actors.values():
        if actor.wikidata:
            if actor.wikidata in seen:
                errors.append(f"Wikidata id {actor.wikidata} used by {seen[actor.wikidata]} and {actor.id}")
            seen[actor.wikidata] = actor.id


def load_catalogue() -> Catalogue:
    errors: list[str] = []
    states = build_states(load_yaml(STATES_YAML), errors)
    state_ids = {s.id for s in states}
    orgs = build_organizations(load_yaml(ORGS_YAML), state_ids, errors)
    people = build_people(load_yaml(PEOPLE_YAML), state_ids | {o.id for o in orgs}, errors)
    catalogue = Catalogue(states, orgs, people)
    check_catalogue(catalogue, errors)
    if errors:
        raise DataError("\n".join(f"  - {e}" for e in errors))
    return catalogue


# ---------------------------------------------------------------- Turtle


def literal(text: str, lang: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def date_literal(value: dt.date) -> str:
    return f'"{value.isoformat()}"^^xsd:date'


def sort_names(names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: (n.casefold(), n))


def subject_block(subject: str, rdf_type: str, pairs: list[tuple[str, list[str]]], per_line: int = 1) -> str:
    """One Turtle subject; ``per_line`` objects of the last property per line."""
    lines = [f"{subject} a {rdf_type}"]
    for index, (prop, objects) in enumerate(pairs):
        if objects:
            width = per_line if index == len(pairs) - 1 else 1
            rows = [", ".join(objects[i : i + width]) for i in range(0, len(objects), width)]
            lines.append(f"    {prop} " + ",\n        ".join(rows))
    return " ;\n".join(lines) + " .\n"


def actor_block(actor: Actor) -> str:
    pairs = [
        ("rdfs:label", [literal(actor.label)]),
        ("ag:officialName", [literal(actor.official_name)] if actor.official_name else []),
        ("skos:altLabel", [literal(n) for n in sort_names(actor.alt_labels)]),
        ("ag:demonym", [literal(n) for n in sort_names(actor.demonyms)]),
        ("ag:capital", [literal(n) for n in sort_names(actor.capitals)]),
        ("ag:metonym", [literal(n) for n in sort_names(actor.metonyms)]),
        ("ag:iso3", [literal(actor.iso3, None)] if actor.iso3 else []),
        ("ag:iso2", [literal(actor.iso2, None)] if actor.iso2 else []),
        ("ag:isoNumeric", [literal(actor.iso_numeric, None)] if actor.iso_numeric else []),
        ("owl:sameAs", [f"wd:{actor.wikidata}"] if actor.wikidata else []),
        ("ag:hasMember", [f"actor:{m}" for m in sorted(actor.members)]),
    ]
    return subject_block(f"actor:{actor.id}", f"ag:{actor.kind}", pairs, per_line=8)


def role_summary(role: Role) -> str:
    if role.start and role.end:
        return f"{role.title} {role.start.isoformat()} to {role.end.isoformat()}"
    if role.start:
        return f"{role.title} since {role.start.isoformat()}"
    if role.end:
        return f"{role.title} until {role.end.isoformat()}"
    return f"{role.title} (in office)"


def person_block(person: Person) -> str:
    pairs = [
        ("rdfs:label", [literal(person.label)]),
        ("skos:altLabel", [literal(n) for n in sort_names(person.alt_labels)]),
        ("ag:actsFor", [f"actor:{person.actor}"]),
        ("ag:role", [literal(person.principal_role.title)]),
        ("ag:termStart", [date_literal(person.term_start)] if person.term_start else []),
        ("ag:termEnd", [date_literal(person.term_end)] if person.term_end else []),
        ("rdfs:comment", [literal("; ".join(role_summary(r) for r in person.history))]),
    ]
    return subject_block(f"person:{person.slug}", "ag:Person", pairs)


def section(title: str) -> str:
    return f"# {'-' * 64} {title}\n\n"


def render(catalogue: Catalogue) -> str:
    version = importlib.metadata.version("pycountry")
    header = [
        "# Reference actors of the alliance graph: states, intergovernmental",
        "# organisations and the leaders and officials who act for them.",
        "#",
        "# GENERATED FILE - do not edit by hand.  Built by scripts/build_actors.py",
        f"# from pycountry {version} (ISO 3166-1) and the curated data in",
        "# ontology/src/states.yaml, ontology/src/organizations.yaml and",
        "# ontology/src/people.yaml; edit those and run",
        "#     python scripts/build_actors.py",
        "#",
        "# A person has one ag:role, the main office held (or the last one held);",
        "# ag:termStart/ag:termEnd span all the offices held for the actor",
        "# (termEnd is absent while the person is in office), and rdfs:comment",
        "# lists each office with its own dates.",
        "",
        "",
    ]
    parts = ["\n".join(header)]
    parts.append("".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES))
    parts.append("\n" + section(f"states ({len(catalogue.states)})"))
    parts.append("\n".join(actor_block(a) for a in catalogue.states))
    parts.append("\n" + section(f"organisations ({len(catalogue.organizations)})"))
    parts.append("\n".join(actor_block(a) for a in catalogue.organizations))
    parts.append("\n" + section(f"people ({len(catalogue.people)})"))
    parts.append("\n".join(person_block(p) for p in catalogue.people))
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output Turtle file")
    args = parser.parse_args(argv)
    try:
        catalogue = load_catalogue()
    except DataError as exc:
        print(f"build_actors: the curated actor data is inconsistent:\n{exc}", file=sys.stderr)
        return 1
    text = render(catalogue)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(text.encode("utf-8"))
    print(
        f"build_actors: wrote {args.out} ({len(catalogue.states)} states, "
        f"{len(catalogue.organizations)} organisations, {len(catalogue.people)} people)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
