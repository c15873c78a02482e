"""A non-editable install works: the wheel carries the ontology, named queries and seeds.

The wheel is built from a copy of the files a source distribution holds,
installed with pip into a fresh virtual environment (its dependencies come
from this environment through a ``.pth`` line, so nothing is downloaded but
the build backend), and its ``alliances`` is run from an unrelated folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import PROJECT

SOURCE = ("graph", "ontology", "seeds", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")


def _run(args: list[str | Path], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv with the built wheel installed (not editable)."""
    root = tmp_path_factory.mktemp("install")
    src = root / "src"
    for name in SOURCE:
        if (PROJECT / name).is_dir():
            shutil.copytree(PROJECT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(PROJECT / name, src / name)
    wheels = root / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, src], cwd=root)
    (wheel,) = wheels.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "graph/_bundled/ontology/alliances.ttl" in names
    assert "graph/_bundled/ontology/events/cameo-relations.csv" in names
    assert "graph/_bundled/ontology/queries/allies.rq" in names
    assert "graph/_bundled/seeds/facts/russia-latin-america-allies.yaml" in names
    assert "graph/templates/page.html" in names and "graph/static/sparql.js" in names

    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=root)
    python = venv / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root).stdout.strip())
    deps = [p for p in sys.path if p.rstrip("/").endswith("site-packages")]  # plain folders: their .pth files stay unread
    (site / "_dependencies.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel], cwd=root)
    return venv / "bin"


@pytest.mark.slow
def test_the_installed_wheel_builds_extracts_and_lists_queries_from_any_folder(installed: Path, tmp_path: Path) -> None:
    where = _run([installed / "python", "-c", "import graph.terms as t; print(t.ONTOLOGY_DIR); print(t.SEEDS_DIR)"],
                 cwd=tmp_path).stdout.split()
    assert all(Path(p).is_relative_to(installed.parent) for p in where), where  # the package's copy, not the checkout

    built = _run([installed / "alliances", "build"], cwd=tmp_path)
    assert "claims in the store" in built.stderr
    for name in ("alliances.ttl", "alliances.html", "report.md"):  # the same bytes as the checkout's build
        assert (tmp_path / "exports" / name).read_bytes() == (PROJECT / "exports" / name).read_bytes(), name

    article = tmp_path / "news.txt"
    article.write_text("Russia and Venezuela signed a defence agreement on Friday.\n", encoding="utf-8")
    extracted = _run([installed / "alliances", "extract", article, "--format", "table"], cwd=tmp_path)
    assert "RUS\tagreementWith\tVEN" in extracted.stdout

    listed = _run([installed / "alliances", "query", "--list"], cwd=tmp_path).stdout
    names = sorted(line.split()[0] for line in listed.splitlines() if line and not line[0].isspace())
    assert names == sorted(p.stem for p in (PROJECT / "ontology" / "queries").glob("*.rq"))
