"""A small graph whose answers are known, for the SPARQL tests (query, serve, push).

Three articles written for these tests and curated facts about them; a
minimal actors.ttl next to the real alliances.ttl, so the answers do not
depend on the full actor list.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from graph.vocab import ONTOLOGY_DIR

ACTORS_TTL = """\
@prefix ag: <https://w3id.org/alliance-graph/ontology#> .
@prefix actor: <https://w3id.org/alliance-graph/actor/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
actor:RUS a ag:State ; rdfs:label "Russia"@en ; ag:iso3 "RUS" .
actor:VEN a ag:State ; rdfs:label "Venezuela"@en ; ag:iso3 "VEN" .
actor:CUB a ag:State ; rdfs:label "Cuba"@en ; ag:iso3 "CUB" .
actor:NIC a ag:State ; rdfs:label "Nicaragua"@en ; ag:iso3 "NIC" .
actor:CHN a ag:State ; rdfs:label "China"@en ; ag:iso3 "CHN" .
actor:USA a ag:State ; rdfs:label "United States"@en ; ag:iso3 "USA" .
actor:DEU a ag:State ; rdfs:label "Germany"@en ; ag:iso3 "DEU" .
actor:FRA a ag:State ; rdfs:label "France"@en ; ag:iso3 "FRA" .
actor:IRN a ag:State ; rdfs:label "Iran"@en ; ag:iso3 "IRN" .
actor:NATO a ag:Organization ; rdfs:label "NATO"@en ; ag:hasMember actor:USA, actor:FRA .
"""

# article file name -> (header + text, facts as (subject, relation, object, evidence[, rejected]))
ARTICLES: dict[str, tuple[str, list[tuple[str, ...]]]] = {
    "a.txt": (
        "title: Moscow and Caracas\ndate: 2024-03-01\nsource: https://example.org/a\n\n"
        "Russia and Venezuela called each other allies. Moscow sold fighter jets to Caracas. "
        "Washington imposed sanctions on Venezuela. China is the largest creditor of Venezuela. "
        "Russia lent Venezuela money too. Germany joined NATO long ago.\n",
        [
            ("RUS", "alliedWith", "VEN", "Russia and Venezuela called each other allies."),
            ("RUS", "suppliesArmsTo", "VEN", "Moscow sold fighter jets to Caracas."),
            ("USA", "sanctions", "VEN", "Washington imposed sanctions on Venezuela."),
            ("CHN", "creditorOf", "VEN", "China is the largest creditor of Venezuela."),
            ("RUS", "creditorOf", "VEN", "Russia lent Venezuela money too."),
            ("DEU", "memberOf", "NATO", "Germany joined NATO long ago."),
        ],
    ),
    "b.txt": (
        "title: Old friends\ndate: 2024-04-02\nsource: https://example.org/b\n\n"
        "Venezuela renewed its alliance with Russia. Russia and Cuba are allies. "
        "The United States sanctioned Russia. The United States still trades with Venezuela. "
        "Beijing remains a creditor of Caracas.\n",
        [
            ("VEN", "alliedWith", "RUS", "Venezuela renewed its alliance with Russia."),
            ("RUS", "alliedWith", "CUB", "Russia and Cuba are allies."),
            ("USA", "sanctions", "RUS", "The United States sanctioned Russia."),
            ("USA", "tradePartnerOf", "VEN", "The United States still trades with Venezuela."),
            ("CHN", "creditorOf", "VEN", "Beijing remains a creditor of Caracas."),
        ],
    ),
    "c.txt": (
        "title: Far away\ndate: 2024-05-03\nsource: https://example.org/c\n\n"
        "France sanctions Iran. France and Iran signed an agreement anyway. Russia sent weapons to Iran. "
        "The United States is a member of NATO. Cuba and Nicaragua are not allies at all.\n",
        [
            ("FRA", "sanctions", "IRN", "France sanctions Iran."),
            ("FRA", "agreementWith", "IRN", "France and Iran signed an agreement anyway."),
            ("RUS", "suppliesArmsTo", "IRN", "Russia sent weapons to Iran."),
            ("USA", "memberOf", "NATO", "The United States is a member of NATO."),
            ("CUB", "alliedWith", "NIC", "Cuba and Nicaragua are not allies at all.", "true"),
        ],
    ),
}


def make_ontology(directory: Path) -> Path:
    """The real alliances.ttl plus the small actors.ttl above."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(ONTOLOGY_DIR / "alliances.ttl", directory / "alliances.ttl")
    (directory / "actors.ttl").write_text(ACTORS_TTL, encoding="utf-8")
    return directory


def make_inputs(directory: Path) -> Path:
    """Article files and one curated YAML fact file per article."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, (text, facts) in ARTICLES.items():
        (directory / name).write_text(text, encoding="utf-8")
        lines = [f"article: {name}", "facts:"]
        for s, r, o, ev, *rest in facts:
            lines += [f"  - subject: {s}", f"    relation: {r}", f"    object: {o}", f"    evidence: {ev}"]
            if rest:
                lines.append(f"    rejected: {rest[0]}")
        (directory / f"{Path(name).stem}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def build_store(tmp_path: Path, location: str | Path = "memory"):  # -> AllianceStore
    """Ingest the small graph into a store at ``location`` ('memory' or a directory)."""
    from graph import pipeline
    from graph.loaders import find_inputs
    from graph.store import AllianceStore
    from graph.vocab import load_vocabulary

    vocab = load_vocabulary(make_ontology(tmp_path / "ontology"))
    inputs = make_inputs(tmp_path / "inputs")
    store = AllianceStore(location, vocab)
    files = [f for f in find_inputs([inputs]) if f.suffix == ".yaml"]
    result = pipeline.ingest_files(files, store, vocab, extract=False)
    assert result.ok, result.errors
    return store


def article_id(name: str) -> str:
    from graph.model import Article

    text = ARTICLES[name][0].split("\n\n", 1)[1]
    return Article(path=name, text=text.lstrip("\n")).id
