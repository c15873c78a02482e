"""The README keeps its promises: two Quickstart commands, a library example that runs."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

from .conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert m, f"README has no section {title!r}"
    return m.group(1)


def test_quickstart_has_exactly_two_commands() -> None:
    (block,) = re.findall(r"```sh\n(.*?)```", section("Quickstart"), re.S)
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands == ['python3 -m venv .venv && . .venv/bin/activate && pip install -e . && alliances build',
                        'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]" && python -m pytest']


def test_ci_runs_the_readmes_test_command() -> None:
    (block,) = re.findall(r"```sh\n(.*?)```", section("Quickstart"), re.S)
    test_command = block.strip().splitlines()[1]
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines(), ".ci/run must run the README's test command as written"


def test_library_example_runs_and_prints_what_it_says() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", (PROJECT / "docs" / "library.md").read_text(encoding="utf-8"), re.S)
    out = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(PROJECT)
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert [line.rsplit("/", 1)[1] for line in out.getvalue().split()] == ["CUB", "NIC", "VEN"]


def test_every_command_is_documented() -> None:
    from graph.cli import cli

    table = section("Commands")
    for name in cli.commands:  # each in the README's table of commands
        assert re.search(rf"^\| `alliances {re.escape(name)}[ `]", table, re.M) or f"`alliances {name} " in table, name


def test_readme_is_a_short_read_and_its_links_lead_somewhere() -> None:
    assert [m for m in re.findall(r"^## (.+)$", README, re.M)] == ["Quickstart", "Your own news", "Commands"]
    assert len(README.splitlines()) < 150
    for doc, text in [("README.md", README), *((f"docs/{p.name}", p.read_text(encoding="utf-8"))
                                              for p in sorted((PROJECT / "docs").glob("*.md")))]:
        here = (PROJECT / doc).parent
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if not target.startswith(("http://", "https://")):
                assert (here / target).exists(), f"{doc}: link to {target} leads nowhere"


def walkthrough(title: str) -> list[tuple[list[str], list[str]]]:
    """The ``$ alliances …`` commands of a README section's code block, each with the output lines shown under it."""
    block = re.findall(r"(?ms)^```\n(.*?)^```", section(title))[0]
    steps: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:].split("#", 1)[0].split(), []))
        elif line.strip() and not line.startswith("…"):
            steps[-1][1].append(line)
    return steps


@pytest.mark.slow
def test_your_own_news_walkthrough_runs_with_a_feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """"Your own news" as written, against a loopback server standing in for example.org and example.net.

    The feed carries the five saved layouts of tests/pages/; the folder holds the bundled seed article.
    Each command runs in a fresh working directory (default store), and prints what the README shows:
    the article counts exactly (the fact counts depend on the extraction model, so only their form).
    """
    import shutil

    from click.testing import CliRunner

    from graph.cli import cli

    from .test_feeds import PAGES, Site, rss

    steps = walkthrough("Your own news")
    commands = [" ".join(c) for c, _ in steps]
    feeds = [c for c, _ in steps if c[:2] == ["alliances", "ingest"] and c[2].endswith((".xml", ".rss", ".atom"))]
    assert feeds and feeds[0][2].startswith("https://"), f"the walkthrough must ingest a feed by URL: {commands}"

    site = Site()
    site.thread.start()
    try:
        names = sorted(p.name for p in PAGES.glob("*.html"))
        links = {n: site.page(f"/world/{n}", (PAGES / n).read_text(encoding="utf-8")) for n in names}
        items = [{"title": n, "link": links[n]} for n in names]
        site.page("/world/rss.xml", rss("World", items), "application/rss+xml")
        site.page("/atom", f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Asia</title><id>urn:asia</id><updated>2024-07-08T00:00:00Z</updated><entry><title>pact</title><id>urn:p</id>
<link href="{links['03-div-soup.html']}"/><updated>2024-07-08T00:00:00Z</updated></entry></feed>""",
                  "application/atom+xml")
        site.page("/2024/07/08/pact.html", (PAGES / "03-div-soup.html").read_text(encoding="utf-8"))
        shutil.copytree(PROJECT / "seeds" / "articles", tmp_path / "my-news")
        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("ALLIANCE_GRAPH_STORE", raising=False)

        def local(arg: str) -> str:
            return arg.replace("https://example.org", site.url).replace("https://example.net", site.url)

        for command, shown in steps:
            args = [local(a) for a in command[1:]]
            if args[0] == "watch":  # runs until Ctrl-C: poll once, into a store of its own
                args += ["--max-polls", "1", "--store", str(tmp_path / "watched")]
            result = CliRunner().invoke(cli, args, catch_exceptions=False)
            assert result.exit_code == 0, (command, result.output)
            for want in shown:
                if args[0] == "watch":
                    date, facts, title, url = want.split("\t")
                    got = [line.split("\t") for line in result.stdout.splitlines()]
                    assert len(got) == len(names) and all(len(g) == 4 for g in got), result.stdout
                    (line,) = [g for g in got if g[2:] == [title, url]]
                    assert line[0] == date and re.fullmatch(r"\d+ facts?", line[1]) and re.fullmatch(r"\d+ facts?", facts)
                else:
                    form = re.escape(want)
                    form = re.sub(r"(?<=new\\ articles,\\ )\d+|\d+(?=\\ claims)", r"\\d+", form)
                    assert any(re.fullmatch(form, line) for line in result.stderr.splitlines()), (want, result.stderr)
    finally:
        site.server.shutdown()
        site.server.server_close()
    # the build's page and Turtle hold the fed articles too ("of it all")
    turtle = (tmp_path / "site" / "alliances.ttl").read_text(encoding="utf-8")
    assert "pacificwire.example/story.php?id=88412" in turtle and "dailyledger.example" in turtle


def test_your_files_alone_and_a_wrong_fact_put_right(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The correction walkthrough as written: build a folder, query, write the correction it shows, rebuild."""
    import shlex
    import shutil

    from click.testing import CliRunner

    from graph.cli import cli

    text = section("Your own news").split("### Your files alone", 1)[1]
    (block,) = re.findall(r"(?ms)^```console\n(.*?)^```", text)
    shutil.copytree(PROJECT / "seeds" / "articles", tmp_path / "my-news")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALLIANCE_GRAPH_STORE", raising=False)
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:].split("  #", 1)[0].strip(), []))
        else:
            steps[-1][1].append(line)
    ran = []
    for command, shown in steps:
        words = shlex.split(command)
        if words[0] == "cat":  # the file the user writes: what the README shows
            Path(words[1]).write_text("\n".join(shown) + "\n", encoding="utf-8")
            continue
        assert words[0] == "alliances", command
        result = CliRunner().invoke(cli, words[1:], catch_exceptions=False)
        answer = result.stdout.strip()
        if words[1] == "query":  # ASK prints true or false, and exits 0 or 1
            assert [answer] == shown and result.exit_code == (0 if answer == "true" else 1), (command, result.output)
        else:
            assert result.exit_code == 0 and all(line in result.stderr.splitlines() for line in shown), result.output
            assert (tmp_path / "exports" / "alliances.html").is_file()
        ran.append(command)
    assert len(ran) == 4 and ran[0] == ran[2]
