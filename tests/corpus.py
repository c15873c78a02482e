"""Generated batches for load, crash and memory tests: many small articles, each with its fact file.

Every article says three things about Russia and Venezuela in sentences of
our own making, numbered so that no two articles are the same text.
"""

from __future__ import annotations

from pathlib import Path

import yaml

CLAIMS_PER_ARTICLE = 3
RELATIONS = ("agreementWith", "alliedWith", "creditorOf")


def sentences(i: int) -> list[str]:
    return [
        f"Russia and Venezuela signed defence agreement number {i} on a Friday.",
        f"In statement {i}, both governments said they remain close allies.",
        f"Russia lent Venezuela a further {i} million dollars, officials said.",
    ]


def article_text(i: int) -> str:
    return f"title: Generated report {i}\ndate: 2022-03-04\n\n" + "\n".join(sentences(i)) + "\n"


def write_corpus(root: Path, n: int, *, start: int = 0) -> tuple[Path, Path]:
    """Write ``n`` articles under ``root/articles`` and one fact file each under ``root/facts``.

    Ingest ``root/facts`` to get exactly ``n`` articles and ``3 n`` claims.
    """
    articles, facts = root / "articles", root / "facts"
    articles.mkdir(parents=True, exist_ok=True)
    facts.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        s = sentences(i)
        (articles / f"a{i:05d}.txt").write_text(article_text(i), encoding="utf-8")
        rows = [
            {"subject": "RUS", "relation": RELATIONS[0], "object": "VEN", "evidence": s[0]},
            {"subject": "VEN", "relation": RELATIONS[1], "object": "RUS", "evidence": s[1]},
            {"subject": "RUS", "relation": RELATIONS[2], "object": "VEN", "evidence": s[2]},
        ]
        (facts / f"f{i:05d}.yaml").write_text(
            yaml.safe_dump({"article": f"../articles/a{i:05d}.txt", "facts": rows}, sort_keys=False), encoding="utf-8")
    return articles, facts


def claims_per_article(store: object) -> dict[str, int]:
    """Article IRI → number of claims derived from it (articles without claims count 0)."""
    rows = store.query(  # type: ignore[attr-defined]
        "SELECT ?a (COUNT(?c) AS ?n) WHERE { ?a a ag:Article . OPTIONAL { ?c prov:wasDerivedFrom ?a } } GROUP BY ?a")
    return {r["a"].value: int(r["n"].value) for r in rows}
