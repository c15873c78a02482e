"""Datasets the user downloaded, loaded as claims with provenance.

Two families, one module per stage or source:

- formal alliances (treaties): ``treaties`` reads COW Formal Alliances and
  ATOP files into dated treaty spells, ``crosswalk`` maps their COW state codes
  to ISO actors year by year, ``treaty_rdf`` turns spells into claims and
  ``treaty_or_talk`` compares them with the news;
- coded events: ``files`` opens plain, ``.gz`` and ``.zip`` files as streams
  of rows, ``gdelt``, ``polecat`` and ``icews`` read each dataset's layout into
  events, ``mapping`` reads the CAMEO/PLOVER → relation tables and the actor
  code tables of ``ontology/``, and ``events`` turns events into claims,
  collapsing repeats, in batches of bounded size.

``catalogue`` says what each dataset is and how to cite it.
"""

from .catalogue import DATASETS, EVENT_DATASETS, TREATY_DATASETS, DatasetInfo
from .crosswalk import CowPeriod, Crosswalk, load_crosswalk
from .treaties import LoadReport, TreatySpell, collapse_years, read_dataset
from .treaty_or_talk import TREATY_QUERIES, TreatyOrTalk, run_treaty_query, treaty_or_talk, treaty_or_talk_markdown
from .treaty_rdf import dataset_iri, dataset_triples, spell_iri, spell_triples

__all__ = [
    "DATASETS",
    "TREATY_DATASETS",
    "EVENT_DATASETS",
    "DatasetInfo",
    "CowPeriod",
    "Crosswalk",
    "load_crosswalk",
    "TreatySpell",
    "LoadReport",
    "read_dataset",
    "collapse_years",
    "dataset_iri",
    "dataset_triples",
    "spell_iri",
    "spell_triples",
    "TREATY_QUERIES",
    "TreatyOrTalk",
    "run_treaty_query",
    "treaty_or_talk",
    "treaty_or_talk_markdown",
]
