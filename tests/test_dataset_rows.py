"""Hostile rows in dataset files: skipped and reported, never a traceback (issue 12, item 9).

``inf`` or ``1e400`` in a numeric column, a field over csv's limit (128 KiB,
or 1 MiB once the event readers raised it), a version with spaces, quotes,
``<>`` or a newline used to stop the whole file with a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .eventfiles import POLECAT_COLUMNS, gdelt_row, table, write
from .test_datasets import COW_HEADER, cow_row, write_csv
from .test_events import POLECAT_ROWS

GOOD = cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1)


def with_version(row: str, version: str) -> str:
    return row.rsplit(",", 1)[0] + "," + version


BAD_ROWS = {
    "inf year": (cow_row(3181, 2, 220, (4, 4, 1949), None, defense=1).replace(",1949,", ",inf,"),
                 "year 'inf' in column dyad_st_year is not a number"),
    "1e400 year": (cow_row(3181, 2, 220, (4, 4, 1949), None, defense=1).replace(",1949,", ",1e400,"),
                   "year '1e400' in column dyad_st_year is not a number"),
    "inf code": (cow_row(3181, 2, 220, (4, 4, 1949), None, defense=1).replace("3181,2,", "3181,-inf,"),
                 "state code '-inf' in column ccode1 is not a number"),
    "nan month": (cow_row(3181, 2, 220, (4, 4, 1949), None, defense=1).replace(",4,4,1949,", ",4,nan,1949,"), None),
    "huge field": (cow_row(3181, 2, 220, (4, 4, 1949), None, defense=1).replace("State 2,", "S" * 1_100_000 + ","),
                   "not readable as CSV: field larger than field limit"),
    "version with space": (with_version(cow_row(3181, 2, 220, (4, 4, 1949), None, defense=1), "4 1"),
                           "version '4 1' is not usable"),
    "version with quotes": (with_version(cow_row(3181, 2, 220, (4, 4, 1949), None, defense=1), '"4""1"'),
                            "version '4\"1' is not usable"),
    "version with <>": (with_version(cow_row(3181, 2, 220, (4, 4, 1949), None, defense=1), "<4.1>"),
                        "version '<4.1>' is not usable"),
    "version with newline": (with_version(cow_row(3181, 2, 220, (4, 4, 1949), None, defense=1), '"4\n1"'),
                             "version '4\\n1' is not usable"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_hostile_treaty_row_is_skipped_and_reported(run, tmp_path: Path, case: str) -> None:
    row, problem = BAD_ROWS[case]
    f = write_csv(tmp_path / "cow.csv", COW_HEADER, [GOOD, row, GOOD.replace("3180,2,", "3182,2,")])
    result = run("ingest-dataset", "cow", f, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    if problem is None:  # a day or month that is no number is left out of the date: the row stays
        assert "0 malformed rows" in result.stderr
        return
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 1 and skipped[0].startswith(f"skipped {f}:3: {problem}"), result.stderr
    assert len(skipped[0]) < 300
    assert ", 1 malformed rows" in result.stderr and "Correlates of War Formal Alliances 4.1)" in result.stderr
    strict = run("ingest-dataset", "cow", f, "--store", tmp_path / "store", "--strict")
    assert strict.exit_code == 1


@pytest.mark.parametrize("version", ["4 1", 'a"b', "<x>", "a\nb", ""])
def test_a_bad_dataset_version_option_is_one_line(run, tmp_path: Path, version: str) -> None:
    f = write_csv(tmp_path / "cow.csv", COW_HEADER, [GOOD])
    result = run("ingest-dataset", "cow", f, "--store", tmp_path / "store", "--dataset-version", version)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("Error: Invalid value for '--dataset-version': version ")


def test_event_rows_with_a_bad_version_or_count_are_skipped(run, tmp_path: Path) -> None:
    rows = [dict(POLECAT_ROWS[0]), dict(POLECAT_ROWS[0], **{"Event ID": "e9", "Version": '1 "1" <x>'})]
    polecat = write(tmp_path / "ngec_coded_all_2023-03-05.txt", table(POLECAT_COLUMNS, rows))
    result = run("ingest-dataset", "polecat", polecat, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    assert f"skipped {polecat}:3: version '1 \"1\" <x>' is not usable" in result.stderr
    assert "1 event claims written (POLECAT Weekly Data (PLOVER) 1.1)" in result.stderr
    gdelt = write(tmp_path / "20240105.export.CSV", "\n".join([
        gdelt_row(1, "20240105", "USAGOV", "FRAGOV", "057", url="https://news.example/a"),
        gdelt_row(2, "20240105", "USAGOV", "DEUGOV", "057", url="https://news.example/b", sources="inf"),
        gdelt_row(3, "20240105", "USAGOV", "GBRGOV", "057", url="https://news.example/c", articles="9" * 4000),
    ]) + "\n")
    result = run("ingest-dataset", "gdelt", gdelt, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert [s.split(": ", 1)[0] for s in skipped] == [f"skipped {gdelt}:2", f"skipped {gdelt}:3"]
    assert all("are not counts" in s and len(s) < 300 for s in skipped)
    assert "1 event claims written" in result.stderr
