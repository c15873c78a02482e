"""Feeds and pages over HTTP: `alliances ingest FEED|URL`, `alliances watch`.

Every feed and page is served by a loopback HTTP server each test starts;
nothing leaves the machine.  The pages are the saved layouts of tests/pages/.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PAGES = Path(__file__).parent / "pages"
Route = tuple[int, dict[str, str], bytes] | Callable[[], tuple[int, dict[str, str], bytes]]


class Site:
    """A loopback web site: ``routes`` maps a path to (status, headers, body) or to a function giving one."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append((self.path, self.headers.get("User-Agent", "")))
                route = site.routes.get(self.path)
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                else:
                    status, headers, body = route() if callable(route) else route
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers and headers.get("X-No-Length") is None:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, path: str, html: str | bytes, content_type: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = (200, {"Content-Type": content_type}, html.encode("utf-8") if isinstance(html, str) else html)
        return self.url + path

    def fetched(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    s.thread.start()
    try:
        yield s
    finally:
        s.server.shutdown()
        s.server.server_close()


def rss(title: str, items: list[dict[str, str]]) -> str:
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
           f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{title}</title>'
           f"<link>https://example.org/</link><description>test feed</description>"]
    for it in items:
        out.append("<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in it.items()) + "</item>")
    return "".join(out) + "</channel></rss>"


def page_html(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


PLAIN_PAGE = """<html><head><title>{title}</title></head><body><nav>Home | World | Sport</nav><article>
<h1>{title}</h1><p>{text}</p><p>Officials from both governments said the talks would continue next month in the
capital, and that a joint statement would follow.</p></article><footer>Copyright Example</footer></body></html>"""


def stats(run, store: Path) -> dict:
    return json.loads(run("stats", "--store", store, "--format", "json").stdout)


def test_ingest_feed_url_fetches_pages_and_skips_what_it_has(run, site: Site, tmp_path: Path) -> None:
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
    a = site.page("/world/fr-de", page_html("01-news-site.html"))
    b = site.page("/world/jp-ph", page_html("03-div-soup.html"))
    feed = site.page("/rss.xml", rss("Example World", [
        {"title": "France and Germany agree joint fighter programme", "link": a, "pubDate": "Fri, 12 May 2023 08:30:00 GMT"},
        {"title": "Japan, Philippines sign troop access pact", "link": b, "pubDate": "Mon, 08 Jul 2024 09:00:00 GMT"},
    ]), "application/rss+xml")
    store = tmp_path / "store"
    result = run("ingest", feed, "--store", store, "--model", "rules")
    assert result.exit_code == 0, result.output
    assert "2 new articles" in result.stderr and "0 already in the store" in result.stderr
    st = stats(run, store)
    assert st["articles"] == 2 and st["claims"] >= 2
    # the article's source is the page's canonical URL; its text has none of the page around it
    out = run("query", "SELECT ?s ?t { ?a a ag:Article ; dcterms:source ?s ; dcterms:title ?t } ORDER BY ?s",
              "--store", store, "--format", "csv").stdout
    assert "https://www.dailyledger.example/world/2023/05/12/france-germany-fighter" in out
    assert "http://pacificwire.example/story.php?id=88412" in out
    # a fetched page is read as the saved file is: the same text (so the same article id), none of the planted
    # boilerplate in the evidence
    from graph.loaders import load_articles
    from graph.model import article_id

    from .test_web import EXPECTED

    ids = run("query", "SELECT ?a { ?a a ag:Article }", "--store", store, "--format", "csv").stdout.split()[1:]
    assert sorted(i.rsplit("/", 1)[1] for i in ids) == sorted(
        article_id(load_articles(PAGES / n)[0].text) for n in ("01-news-site.html", "03-div-soup.html"))
    evidence = run("query", "SELECT ?e { ?c ag:evidence ?e }", "--store", store, "--format", "csv").stdout
    absent = EXPECTED["01-news-site.html"]["absent"] + EXPECTED["03-div-soup.html"]["absent"]
    assert not [s for s in absent if s in evidence]
    # every request named the tool, and robots.txt was read once for the site
    assert all(ua.startswith("alliance-graph/") for _, ua in site.requests)
    assert site.fetched("/robots.txt") == 1

    again = run("ingest", feed, "--store", store, "--no-extract")
    assert again.exit_code == 0 and "0 new articles" in again.stderr and "2 already in the store" in again.stderr
    assert stats(run, store)["articles"] == 2


def test_same_text_at_another_url_is_skipped_and_page_url_is_one_article(run, site: Site, tmp_path: Path) -> None:
    html = PLAIN_PAGE.format(title="Cuba and Russia renew cooperation",
                             text="Cuba and Russia signed a cooperation agreement in Havana on Tuesday.")
    first = site.page("/a/cuba", html)
    mirror = site.page("/mirror/cuba", html)
    store = tmp_path / "store"
    result = run("ingest", first, "--store", store, "--no-extract")
    assert result.exit_code == 0 and "1 new articles" in result.stderr, result.output
    result = run("ingest", mirror, "--store", store, "--no-extract")
    assert result.exit_code == 0 and "0 new articles" in result.stderr and "1 already in the store" in result.stderr
    assert stats(run, store)["articles"] == 1


def test_feed_file_with_content_robots_and_errors(run, site: Site, tmp_path: Path) -> None:
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
    ok = site.page("/news/ok", PLAIN_PAGE.format(title="Iran and Syria sign pact",
                                                  text="Iran and Syria signed a defence pact in Damascus on Sunday."))
    site.page("/private/secret", PLAIN_PAGE.format(title="Secret", text="This page must never be fetched by a robot."))
    atom = tmp_path / "saved.atom"
    atom.write_text(f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Saved</title><id>urn:x</id><updated>2024-01-02T00:00:00Z</updated>
<entry><title>Iran and Syria sign pact</title><id>urn:1</id><link href="{ok}"/><updated>2024-01-01T00:00:00Z</updated></entry>
<entry><title>Disallowed</title><id>urn:2</id><link href="{site.url}/private/secret"/>
<updated>2024-01-01T00:00:00Z</updated></entry>
<entry><title>China and Pakistan hold drills</title><id>urn:3</id><updated>2024-01-03T00:00:00Z</updated>
<content type="html">&lt;p&gt;China and Pakistan held joint naval drills in the Arabian Sea on Wednesday, their navies said,
the third such exercise in two years.&lt;/p&gt;</content></entry>
</feed>""", encoding="utf-8")
    store = tmp_path / "store"
    result = run("ingest", atom, "--store", store, "--no-extract")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {site.url}/private/secret: disallowed by the site's robots.txt"]
    assert site.fetched("/private/secret") == 0
    assert "2 new articles" in result.stderr
    titles = run("query", "SELECT ?t { ?a a ag:Article ; dcterms:title ?t } ORDER BY ?t", "--store", store,
                 "--format", "csv").stdout
    assert "China and Pakistan hold drills" in titles and "Iran and Syria sign pact" in titles  # feed content, page

    bad = tmp_path / "broken.xml"
    bad.write_text("this is not a feed at all", encoding="utf-8")
    result = run("ingest", bad, "--store", store)
    assert result.exit_code == 1 and f"Error: {bad}: not an RSS or Atom feed" in result.stderr
    assert stats(run, store)["articles"] == 2  # earlier results intact


@pytest.mark.parametrize(("setup", "problem"), [
    (lambda s: s.routes.update({f"/r{i}": (302, {"Location": f"/r{i + 1}"}, b"") for i in range(10)}) or "/r0",
     "more than 5 redirects"),
    (lambda s: s.routes.update({"/to-file": (302, {"Location": "file:///etc/passwd"}, b"")}) or "/to-file",
     "only http and https URLs are fetched, not 'file'"),
    (lambda s: s.routes.update({"/to-metadata": (301, {"Location": "http://169.254.169.254/latest/"}, b"")})
     or "/to-metadata", "refused: 169.254.169.254 is link-local"),
    (lambda s: s.page("/big", "<p>" + "x" * 300_000 + "</p>") and "/big", "too large (300,007 bytes, limit 100,000)"),
    (lambda s: s.routes.update({"/big-stream": (200, {"Content-Type": "text/html", "X-No-Length": "1",
                                                      "Connection": "close"}, b"<p>" + b"y" * 300_000)}) or "/big-stream",
     "too large (over the limit of 100,000 bytes)"),
    (lambda s: s.routes.update({"/gone": (410, {}, b"gone")}) or "/gone", "HTTP 410 Gone"),
], ids=["redirect-loop", "redirect-to-file", "redirect-to-metadata", "content-length", "streamed", "http-error"])
def test_fetch_bounds_are_one_line_errors(run, site: Site, tmp_path: Path, setup, problem: str) -> None:
    path = setup(site)
    result = run("ingest", site.url + path, "--store", tmp_path / "store", "--no-extract", "--max-bytes", 100_000)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and problem in errors[0], result.stderr
    assert "Traceback" not in result.output


def test_slow_server_times_out(run, site: Site, tmp_path: Path) -> None:
    answered = threading.Event()

    def slow() -> tuple[int, dict[str, str], bytes]:
        answered.wait(30)  # answers only when the test is over (or after 30 s)
        return 200, {"Content-Type": "text/html"}, b"<p>late</p>"

    site.routes["/slow"] = slow
    start = time.monotonic()
    try:
        result = run("ingest", site.url + "/slow", "--store", tmp_path / "store", "--no-extract", "--timeout", "0.3")
    finally:
        answered.set()
    assert result.exit_code == 1 and "timed out (limit 0.3 s)" in result.stderr
    assert time.monotonic() - start < 20  # the time limit ended the wait, not the server


@pytest.mark.parametrize(("url", "problem"), [
    ("file:///etc/passwd", "only http and https URLs are fetched, not 'file'"),
    ("ftp://127.0.0.1/feed.xml", "only http and https URLs are fetched, not 'ftp'"),
    ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is link-local"),
    ("http://[::ffff:169.254.169.254]/", "is link-local"),
    ("http://0.0.0.0:80/", "refused: 0.0.0.0 is"),
    ("http://user:secret@127.0.0.1/", "user name or password"),
])
def test_urls_that_are_never_fetched(run, tmp_path: Path, url: str, problem: str) -> None:
    result = run("ingest", url, "--store", tmp_path / "store", "--no-extract")
    assert result.exit_code == 1 and problem in result.stderr, result.stderr


def test_watch_prints_a_line_per_new_article_and_stops(run, site: Site, tmp_path: Path) -> None:
    pages = {
        "one": ("Russia and Belarus hold joint exercises", "Russia and Belarus held joint military exercises near Minsk."),
        "two": ("Egypt and Sudan sign water deal", "Egypt and Sudan signed an agreement on the Nile waters in Cairo."),
    }
    links = {k: site.page(f"/p/{k}", PLAIN_PAGE.format(title=t, text=x)) for k, (t, x) in pages.items()}
    polls = []

    def feed() -> tuple[int, dict[str, str], bytes]:
        polls.append(time.monotonic())
        items = [{"title": pages["one"][0], "link": links["one"], "pubDate": "Mon, 01 Jan 2024 10:00:00 GMT"}]
        if len(polls) >= 2:  # a new entry appears on top from the second poll on
            items.insert(0, {"title": pages["two"][0], "link": links["two"], "pubDate": "Tue, 02 Jan 2024 10:00:00 GMT"})
        return 200, {"Content-Type": "application/rss+xml"}, rss("Watched", items).encode("utf-8")

    site.routes["/feed"] = feed
    result = run("watch", site.url + "/feed", "--every", "0.2s", "--max-polls", "3", "--store", tmp_path / "store",
                 "--no-extract")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines == [f"2024-01-01\t0 facts\t{pages['one'][0]}\t{links['one']}",
                     f"2024-01-02\t0 facts\t{pages['two'][0]}\t{links['two']}"]
    assert result.stderr.rstrip().endswith("stopped after 3 polls")
    assert len(polls) == 3 and all(b - a >= 0.19 for a, b in itertools.pairwise(polls))
    assert site.fetched("/p/one") == 1 and site.fetched("/p/two") == 1  # each page fetched once


def test_watch_keeps_polling_a_failing_feed(run, site: Site, tmp_path: Path) -> None:
    result = run("watch", site.url + "/missing", "--every", "10ms", "--max-polls", "2", "--store", tmp_path / "store")
    assert result.exit_code == 0
    assert result.stderr.count(f"Error: {site.url}/missing: HTTP 404") == 2
    assert result.stdout == ""
    bad = run("watch", "nowhere.xml", "--every", "1s", "--store", tmp_path / "store")
    assert bad.exit_code == 2 and "feed file 'nowhere.xml' does not exist" in bad.output
    bad = run("watch", site.url + "/missing", "--every", "soon", "--store", tmp_path / "store")
    assert bad.exit_code == 2 and "'soon' is not a duration" in bad.output


def test_watch_runs_until_stopped(site: Site, tmp_path: Path) -> None:
    """As a user runs it: a process that polls until SIGTERM (Ctrl-C alike), then says how many polls it made."""
    import signal
    import subprocess
    import sys

    link = site.page("/p/x", PLAIN_PAGE.format(title="Kenya and Ethiopia agree border patrols",
                                               text="Kenya and Ethiopia agreed on joint border patrols in Nairobi."))
    site.page("/feed", rss("F", [{"title": "Kenya and Ethiopia agree border patrols", "link": link}]), "application/rss+xml")
    proc = subprocess.Popen([sys.executable, "-m", "graph", "watch", site.url + "/feed", "--every", "0.1s", "--no-extract",
                             "--store", str(tmp_path / "store")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        assert first.rstrip("\n").endswith(f"Kenya and Ethiopia agree border patrols\t{link}")
        deadline = time.monotonic() + 20
        while site.fetched("/feed") < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0 and out == "" and "stopped after" in err and "Traceback" not in err
    assert site.fetched("/p/x") == 1
