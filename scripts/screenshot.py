"""Screenshot the interactive page in headless Chromium, offline: exports/alliances.png.

Build the page first (``alliances build --store memory``), then:

    python scripts/screenshot.py                      # exports/alliances.html -> exports/alliances.png
    python scripts/screenshot.py --select RUS page.html shot.png

Uses Debian's Chromium (``apt-get install -y chromium``) through the
``playwright`` package; every request that is not a file is aborted, and the
script fails if the page tried one or logged an error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def screenshot(page_path: Path, out: Path, *, select: str | None, width: int, height: int) -> None:
    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def route(r: object) -> None:
            url = r.request.url  # type: ignore[attr-defined]
            if url.startswith(("file:", "data:")):
                r.continue_()  # type: ignore[attr-defined]
            else:
                blocked.append(url)
                r.abort()  # type: ignore[attr-defined]

        page.route("**/*", route)
        page.goto(page_path.resolve().as_uri())
        page.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=120_000)
        node = select or page.evaluate(
            "(() => { const n = allianceGraph.nodes.get(); n.sort((a, b) => b.centrality - a.centrality);"
            " return n.length ? n[0].id : null; })()")
        if node:
            x, y = page.evaluate("""id => { const n = allianceGraph.network, p = n.canvasToDOM(n.getPositions([id])[id]);
                const r = document.getElementById('ag-network').getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }""",
                                 node)
            page.mouse.click(x, y)
        box = page.locator("#ag-network").bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 5, box["y"] + box["height"] - 5)  # an empty corner: no tooltip in the picture
        page.wait_for_timeout(500)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()
    if blocked or errors:
        raise SystemExit(f"page not clean: requests {blocked}, errors {errors}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", nargs="?", type=Path, default=PROJECT / "exports" / "alliances.html")
    ap.add_argument("out", nargs="?", type=Path, default=PROJECT / "exports" / "alliances.png")
    ap.add_argument("--select", metavar="ACTOR", help="click this actor (default: the most central)")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=800)
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install -y chromium")
    if not args.page.exists():
        raise SystemExit(f"{args.page} not found: run `alliances build --store memory` first")
    screenshot(args.page, args.out, select=args.select, width=args.width, height=args.height)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
