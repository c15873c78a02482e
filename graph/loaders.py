"""Files → ``Article`` and ``Fact`` records; bad input → ``InputError``.

Articles: ``.txt`` (optional ``key: value`` header ended by a blank line),
``.md`` (YAML front matter), ``.html``/``.htm`` (main text, by trafilatura: see ``web``), ``.jsonl`` (one
article per line).  Curated facts: ``.yaml``/``.yml`` and ``.csv``.
Every error names the file (and the line where there is one); a file with
an error yields nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .dates import DateProblem, read_date
from .errors import InputError
from .model import CURATED, Article, Fact

if TYPE_CHECKING:
    import yaml

    from .vocab import Vocabulary

__all__ = [
    "ARTICLE_SUFFIXES",
    "FACT_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "read_text",
    "load_articles",
    "load_facts",
    "find_inputs",
    "is_article_file",
    "is_fact_file",
]

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
FACT_SUFFIXES = (".yaml", ".yml", ".csv")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
HEADER_KEYS = ("title", "date", "source", "publisher", "license", "url", "author", "language")
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z_-]*):[ \t]*(.*?)\s*$")


def is_article_file(path: Path) -> bool:
    return path.suffix.lower() in ARTICLE_SUFFIXES


def is_fact_file(path: Path) -> bool:
    return path.suffix.lower() in FACT_SUFFIXES


def find_inputs(paths: Iterable[Path | str]) -> list[Path]:
    """Expand folders recursively (sorted); keep files as given.

    Inside folders only article and fact files are taken; hidden files and
    folders are skipped.  A file named explicitly is kept whatever its suffix,
    so the loader can say what is wrong with it.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and not any(part.startswith(".") for part in rel) and (is_article_file(f) or is_fact_file(f)):
                    out.append(f)
        else:
            out.append(p)
    return out


def read_text(path: Path, data: bytes | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a UTF-8 text file, refusing empty, binary, over-size and mis-encoded ones.

    The byte-order mark is dropped; line ends become ``\\n``.
    """
    if data is None:
        try:
            size = path.stat().st_size
        except OSError as e:
            raise InputError(path, f"cannot read: {e.strerror or e}") from None
        if max_bytes and size > max_bytes:
            raise InputError(path, f"file is too large ({size:,} bytes, limit {max_bytes:,})")
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(path, f"cannot read: {e.strerror or e}") from None
    if max_bytes and len(data) > max_bytes:
        raise InputError(path, f"file is too large ({len(data):,} bytes, limit {max_bytes:,})")
    if not data.strip():
        raise InputError(path, "file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(path, "looks like a binary file, expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 (byte {data[e.start]:#04x} at offset {e.start})") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, "file is empty")
    return text


def _short(e: BaseException, limit: int = 200) -> str:
    """An exception's message, on one line and at most ``limit`` characters."""
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- articles


def _check_date(path: Path | str, value: Any, line: int | None = None) -> str | None:
    """A curated fact's date: any form ``graph.dates`` reads; anything else refuses the fact."""
    if value is None or value == "":
        return None
    try:
        return read_date(value)
    except DateProblem as e:
        raise InputError(path, str(e), line=line) from None


_DATE_KEYS = ("date", "published", "issued")


def _article_date(path: Path | str, meta: dict[str, Any], line: int | None,
                  lines: dict[str, int] | None = None) -> tuple[str | None, tuple[str, ...]]:
    """An article's date and, when it has one that is not a date, the warning to give (it is kept undated).

    ``lines``: where each header key is in the file, for the warning.
    """
    present = [k for k in _DATE_KEYS if k in meta]
    if not present:
        return None, ()
    key = next((k for k in present if meta[k] not in (None, "")), present[0])
    value = meta[key]
    where = (lines or {}).get(key, line)
    try:
        if value is None or not str(value).strip():
            raise DateProblem(f"{key} is empty")
        return read_date(value), ()
    except DateProblem as e:
        return None, (str(InputError(path, f"{e}; the article is kept, undated", line=where)),)


_SCALARS = (str, int, float, bool, dt.date)


def _scalar(path: Path | str, key: str, value: Any, line: int | None = None) -> Any:
    """``value`` when it is a single value; lists and mappings (and YAML alias bombs) are refused."""
    if value is None or isinstance(value, _SCALARS):
        return value
    kind = "list" if isinstance(value, list) else "mapping" if isinstance(value, dict) else type(value).__name__
    raise InputError(path, f"field {key!r} must be a single value, not a {kind}", line=line)


def _meta(path: Path | str, meta: dict[str, Any], line: int | None = None,
          lines: dict[str, int] | None = None) -> dict[str, Any]:
    def s(key: str, *alts: str) -> str | None:
        for k in (key, *alts):
            v = _scalar(path, k, meta.get(k), line)
            if v not in (None, ""):
                return " ".join(str(v).split())
        return None

    for k in _DATE_KEYS:
        _scalar(path, k, meta.get(k), line)
    date, notes = _article_date(path, meta, line, lines)

    return {
        "title": s("title", "headline"),
        "date": date,
        "notes": notes,
        "source": s("source", "url", "link"),
        "publisher": s("publisher", "site", "outlet"),
        "license": s("license"),
        "author": _authors(path, meta, line),
    }


def _authors(path: Path | str, meta: dict[str, Any], line: int | None) -> str | None:
    """``author`` (or ``byline``/``creator``): one name, or a list of names joined by commas."""
    for key in ("author", "byline", "creator"):
        value = meta.get(key)
        if isinstance(value, list) and all(isinstance(v, _SCALARS) for v in value):
            value = ", ".join(" ".join(str(v).split()) for v in value if str(v).strip())
        value = _scalar(path, key, value, line)
        if value not in (None, ""):
            return " ".join(str(value).split()) or None
    return None


def _txt_article(path: Path, text: str) -> Article:
    meta: dict[str, Any] = {}
    key_lines: dict[str, int] = {}  # header key -> line number
    offset = 0
    first_block, sep, _ = text.partition("\n\n")
    lines = first_block.split("\n")
    matches = [_HEADER_LINE.match(line) for line in lines]
    if sep and all(matches) and matches[0] and matches[0].group(1).lower() in HEADER_KEYS:
        for n, m in enumerate(matches, start=1):
            assert m is not None
            meta[m.group(1).lower()] = m.group(2)
            key_lines.setdefault(m.group(1).lower(), n)
        offset = len(first_block) + 2
    body = text[offset:]
    # skip blank lines at the start of the body without changing offsets' meaning
    stripped = body.lstrip("\n")
    offset += len(body) - len(stripped)
    if not stripped.strip():
        raise InputError(path, "article has a header but no text")
    fields = _meta(path, meta, lines=key_lines)
    if not fields["title"]:
        fields["title"] = path.stem.replace("-", " ").replace("_", " ")
    return Article(path=str(path), text=stripped, offset=offset, **fields)


@functools.cache
def _front_matter_loader() -> type[yaml.SafeLoader]:
    """A SafeLoader without timestamps: a front matter's date stays text for ``graph.dates`` (2023-02-30 is no crash)."""
    import yaml

    class FrontMatterLoader(yaml.SafeLoader):
        yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
            first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }

    return FrontMatterLoader


def _md_article(path: Path, text: str) -> Article:
    meta: dict[str, Any] = {}
    key_lines: dict[str, int] = {}  # front matter key -> line number
    offset = 0
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end == -1:
            raise InputError(path, "front matter starts with '---' but never ends")
        import yaml  # here, not at the top: commands that read no YAML (query, stats) start faster

        try:
            loaded = yaml.load(text[4:end], Loader=_front_matter_loader())  # a SafeLoader
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            raise InputError(path, f"broken YAML front matter: {getattr(e, 'problem', e)}",
                             line=mark.line + 2 if mark else None) from None
        except Exception as e:  # PyYAML's constructors raise ValueError, AttributeError, RecursionError, ...
            raise InputError(path, f"broken YAML front matter: {_short(e)}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise InputError(path, "front matter must be a mapping of key: value")
        meta = {str(k).lower(): v for k, v in (loaded or {}).items()}
        for n, row in enumerate(text[4:end].split("\n"), start=2):
            key = re.match(r"^([A-Za-z_][\w-]*)\s*:", row)
            if key:
                key_lines.setdefault(key.group(1).lower(), n)
        nl = text.find("\n", end + 4)
        offset = len(text) if nl == -1 else nl + 1
    body = text[offset:]
    stripped = body.lstrip("\n")
    offset += len(body) - len(stripped)
    if not stripped.strip():
        raise InputError(path, "article has no text")
    fields = _meta(path, meta, lines=key_lines)
    if not fields["title"]:
        m = re.search(r"^#\s+(.+)$", stripped, re.M)
        fields["title"] = m.group(1).strip() if m else path.stem
    return Article(path=str(path), text=stripped, offset=offset, **fields)


def _html_article(path: Path, text: str) -> Article:
    from .web import PageError, read_page  # trafilatura lives there only

    try:
        page = read_page(text)
    except PageError as e:
        raise InputError(path, str(e)) from None
    meta = {"title": page.title, "date": page.date, "source": page.url, "publisher": page.site,
            "license": page.license, "author": page.author}
    fields = _meta(path, meta)
    if not fields["title"]:
        fields["title"] = path.stem
    return Article(path=str(path), text=page.text, offset=0, **fields)


def _jsonl_articles(path: Path, text: str, max_bytes: int, first_line: int = 1,
                    on_error: Callable[[InputError], None] | None = None) -> list[Article]:
    """The articles of JSON Lines ``text`` whose first line is line ``first_line`` of ``path``.

    A bad line is passed to ``on_error`` and the others are read; without
    ``on_error`` the first bad line is raised.
    """
    articles = []
    refused = 0
    for n, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            continue
        try:
            articles.append(_jsonl_article(path, line, n, max_bytes))
        except InputError as e:
            if on_error is None:
                raise
            on_error(e)
            refused += 1
    if not articles and not refused:
        raise InputError(path, "file has no articles")
    return articles


def _jsonl_article(path: Path, line: str, n: int, max_bytes: int) -> Article:
    if max_bytes and len(line.encode("utf-8")) > max_bytes:
        raise InputError(path, f"line is too large (limit {max_bytes:,} bytes)", line=n)
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(path, f"not valid JSON: {e.msg} at column {e.colno}", line=n) from None
    except (ValueError, RecursionError) as e:  # a number too long to convert; nesting too deep
        raise InputError(path, f"not usable JSON: {_short(e)}", line=n) from None
    if not isinstance(obj, dict):
        raise InputError(path, "each line must be a JSON object", line=n)
    body = obj.get("text") or obj.get("body") or obj.get("content")
    if not isinstance(body, str) or not body.strip():
        raise InputError(path, "missing field 'text'", line=n)
    meta = {str(k).lower(): v for k, v in obj.items() if k not in ("text", "body", "content")}
    return Article(path=f"{path}:{n}", text=body, offset=0, **_meta(path, meta, n))


def load_articles(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, data: bytes | None = None,
                  on_error: Callable[[InputError], None] | None = None) -> list[Article]:
    """Read one article file (several for ``.jsonl``); ``data``: its bytes, when already read (a URL).

    ``on_error`` takes the bad lines of a ``.jsonl`` file, one by one, while
    the good ones are read; without it the first bad line is raised.  Each
    article's ``notes`` are warnings about it (a date that is not one).
    """
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise InputError(path, f"unknown article type {suffix or '(no suffix)'!r}; expected one of {', '.join(ARTICLE_SUFFIXES)}")
    if suffix == ".jsonl":
        # lines are checked against the limit one by one; the file as a whole may be larger
        text = read_text(path, data, max_bytes=0)
        return _jsonl_articles(path, text, max_bytes, on_error=on_error)
    text = read_text(path, data, max_bytes=max_bytes)
    if suffix in (".md", ".markdown"):
        return [_md_article(path, text)]
    if suffix in (".html", ".htm"):
        return [_html_article(path, text)]
    return [_txt_article(path, text)]


# --------------------------------------------------------------------------- curated facts

@functools.cache
def _line_loader() -> type[yaml.SafeLoader]:
    """A SafeLoader that records the line of every mapping as ``__line__`` (made on first use: yaml loads lazily)."""
    import yaml

    class LineLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        mapping = loader.construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return LineLoader


_REQUIRED = ("subject", "relation", "object", "evidence")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


def _as_bool(path: Path, value: Any, line: int | None) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    v = str(value).strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise InputError(path, f"'rejected' must be true or false, not {value!r}", line=line)


class _ArticleCache:
    """Articles that curated facts refer to, read once per batch.

    Bounded (least recently used go first), so a batch of any number of fact
    files holds at most ``size`` articles in memory.
    """

    def __init__(self, max_bytes: int, size: int = 256) -> None:
        self.max_bytes = max_bytes
        self.size = size
        self._cache: OrderedDict[Path, Article] = OrderedDict()

    def get(self, facts_file: Path, ref: str, line: int | None) -> Article:
        if "\x00" in ref:
            raise InputError(facts_file, "article path contains a NUL character", line=line)
        target = (facts_file.parent / ref) if not Path(ref).is_absolute() else Path(ref)
        try:
            key = target.resolve()
        except (OSError, RuntimeError) as e:
            raise InputError(facts_file, f"article {ref!r}: cannot resolve path: {e}", line=line) from None
        if key not in self._cache:
            try:
                found = target.is_file()
            except OSError:  # e.g. a name too long for the file system
                found = False
            if not found:
                raise InputError(facts_file, f"article {ref!r} not found (looked for {target})", line=line)
            try:
                arts = load_articles(target, max_bytes=self.max_bytes)
            except InputError as e:
                raise InputError(facts_file, f"article {ref!r}: {e.problem}", line=line) from None
            if len(arts) != 1:
                raise InputError(facts_file, f"article {ref!r} holds {len(arts)} articles; name one file per article", line=line)
            self._cache[key] = arts[0]
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        return self._cache[key]


def _make_fact(path: Path, row: dict[str, Any], line: int | None, vocab: Vocabulary,
               articles: _ArticleCache, default_article: str | None) -> tuple[Article, Fact]:
    for key in (*_REQUIRED, "article", "confidence", "rejected", "date"):
        _scalar(path, key, row.get(key), line)
    missing = [k for k in _REQUIRED if row.get(k) in (None, "")]
    ref = row.get("article") or default_article
    if not ref:
        missing.append("article")
    if missing:
        raise InputError(path, f"missing field{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)}", line=line)
    subject, relation, obj = (str(row[k]).strip() for k in ("subject", "relation", "object"))
    if relation not in vocab.relations:
        raise InputError(path, f"unknown relation {relation!r}", line=line)
    for actor in (subject, obj):
        if actor not in vocab.actors:
            raise InputError(path, f"unknown actor {actor!r}", line=line)
    if subject == obj:
        raise InputError(path, f"subject and object are the same actor {subject!r}", line=line)
    try:
        confidence = float(row.get("confidence", 1.0) if row.get("confidence") not in (None, "") else 1.0)
    except (TypeError, ValueError):
        raise InputError(path, f"confidence {row.get('confidence')!r} is not a number", line=line) from None
    if not 0.0 <= confidence <= 1.0:
        raise InputError(path, f"confidence {confidence} is not between 0 and 1", line=line)
    article = articles.get(path, str(ref), line)
    evidence = " ".join(str(row["evidence"]).split())
    start = end = None
    pos = article.text.find(evidence)
    if pos == -1:
        flat = " ".join(article.text.split())
        if evidence not in flat:
            raise InputError(path, f"evidence not found in article {ref!r}", line=line)
    else:
        start, end = article.offset + pos, article.offset + pos + len(evidence)
    fact = Fact(
        subject=subject, relation=relation, object=obj, article=article.path, evidence=evidence,
        char_start=start, char_end=end, confidence=confidence, extractor=CURATED, article_id=article.id,
        rejected=_as_bool(path, row.get("rejected"), line),
        source_row=f"{path.name}:{line}" if line else path.name,
        date=_check_date(path, row.get("date"), line) or article.date,
    )
    return article, fact


def load_facts(path: Path, vocab: Vocabulary, *, max_bytes: int = DEFAULT_MAX_BYTES,
               _cache: _ArticleCache | None = None) -> list[tuple[Article, Fact]]:
    """Read a curated fact file (YAML or CSV) into ``(article, fact)`` pairs.

    YAML holds either a list of facts or a mapping with ``article`` (the
    default article, a path relative to the YAML file) and ``facts``.  CSV has
    a header row with at least subject, relation, object, article, evidence.
    """
    suffix = path.suffix.lower()
    if suffix not in FACT_SUFFIXES:
        raise InputError(path, f"unknown fact file type {suffix or '(no suffix)'!r}; expected .yaml, .yml or .csv")
    text = read_text(path, max_bytes=max_bytes)
    articles = _cache or _ArticleCache(max_bytes)
    rows: list[tuple[dict[str, Any], int | None]] = []
    default_article: str | None = None
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        try:
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [k for k in (*_REQUIRED, "article") if k not in header]
            if missing:
                raise InputError(path, f"CSV header lacks column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                                 line=1)
            for rec in reader:
                row = {str(k).strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in rec.items()
                       if k is not None}
                if not any(row.values()):
                    continue
                rows.append((row, reader.line_num))
        except csv.Error as e:  # a field over csv's size limit, a NUL byte, ...
            raise InputError(path, f"broken CSV: {_short(e)}", line=reader.line_num + 1) from None
    else:
        import yaml

        try:
            data = yaml.load(text, Loader=_line_loader())
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            problem = getattr(e, "problem", None) or str(e).split("\n")[0]
            raise InputError(path, f"broken YAML: {problem}", line=mark.line + 1 if mark else None) from None
        except Exception as e:  # PyYAML's constructors raise ValueError, AttributeError, RecursionError, ...
            raise InputError(path, f"broken YAML: {_short(e)}") from None
        if isinstance(data, dict):
            default_article = _scalar(path, "article", data.get("article"), data.get("__line__"))
            facts = data.get("facts")
            if not isinstance(facts, list):
                raise InputError(path, "expected a 'facts:' list", line=data.get("__line__"))
        elif isinstance(data, list):
            facts = data
        else:
            raise InputError(path, "expected a list of facts or a mapping with 'facts:'")
        for item in facts:
            if not isinstance(item, dict):
                raise InputError(path, "each fact must be a mapping of subject, relation, object, evidence")
            rows.append((item, item.get("__line__")))
    if not rows:
        raise InputError(path, "file has no facts")
    return [_make_fact(path, row, line, vocab, articles, default_article) for row, line in rows]
