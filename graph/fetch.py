"""Fetching feeds and pages over HTTP, politely and within bounds (httpx).

- only ``http`` and ``https`` URLs (``file:``, ``ftp:``, ``gopher:``, ``data:`` … are refused, also as
  redirect targets), and never a link-local, multicast or unspecified address (169.254.0.0/16 holds
  cloud metadata services): a feed cannot make the fetcher read local files or such services;
  loopback and private addresses are allowed, since feeds on one's own machine or intranet are
  legitimate (``allow_private=False`` refuses them too);
- a timeout for connecting and for each read, and an overall deadline per request;
- a size limit: a larger ``Content-Length`` is refused before the body is read, and a body that
  grows past the limit is cut off and refused;
- at most ``max_redirects`` redirects, each target checked as above;
- a User-Agent that names the tool and its version;
- robots.txt: each site's rules are read once per ``Fetcher`` and a disallowed URL is not fetched
  (an unreachable or missing robots.txt allows everything; 401/403 disallows everything, as
  Python's ``urllib.robotparser`` does).

The checks resolve the host name before connecting; a name whose address changes between that check
and the connection (DNS rebinding) is not caught.  Every problem is a ``FetchError`` naming the URL.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from . import __version__
from .errors import InputError

__all__ = ["Fetcher", "FetchError", "Response", "USER_AGENT", "check_url"]

USER_AGENT = f"alliance-graph/{__version__} (news reader for a knowledge graph of alliances; python-httpx)"
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512 * 1024


class FetchError(InputError):
    """A URL that could not (or may not) be fetched; the message names the URL."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    content_type: str
    content: bytes


def _bad_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_private: bool) -> str | None:
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "link-local, multicast or reserved"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _bad_address(ip.ipv4_mapped, allow_private)
    if not allow_private and (ip.is_private or ip.is_loopback):
        return "private or loopback"
    return None


def check_url(url: str, *, allow_private: bool = True) -> str:
    """``url`` when it may be fetched; ``FetchError`` saying why not.

    >>> check_url("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    graph.fetch.FetchError: file:///etc/passwd: only http and https URLs are fetched, not 'file'
    >>> check_url("http://169.254.169.254/latest/")
    Traceback (most recent call last):
    ...
    graph.fetch.FetchError: http://169.254.169.254/latest/: refused: 169.254.169.254 is link-local, multicast or reserved
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(url, f"only http and https URLs are fetched, not {scheme or 'a relative URL'!r}")
    host = parts.hostname
    if not host:
        raise FetchError(url, "URL has no host")
    if parts.username or parts.password:
        raise FetchError(url, "URLs with a user name or password are not fetched")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchError(url, "URL has a bad port") from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise FetchError(url, f"cannot resolve host {host!r}: {getattr(e, 'strerror', None) or e}") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        why = _bad_address(ip, allow_private)
        if why:
            raise FetchError(url, f"refused: {host} is {why}" if str(ip) != host else f"refused: {ip} is {why}")
    return url


class Fetcher:
    """One HTTP client with the bounds above; use as a context manager."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_redirects: int = DEFAULT_MAX_REDIRECTS, user_agent: str = USER_AGENT, robots: bool = True,
                 allow_private: bool = True) -> None:
        import httpx

        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.robots = robots
        self.allow_private = allow_private
        self.user_agent = user_agent
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets our User-Agent fetch ``url``."""
        if not self.robots:
            return True
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        rp = self._robots.get(site)
        if rp is None:
            rp = urllib.robotparser.RobotFileParser(site + "/robots.txt")
            try:
                r = self._get(site + "/robots.txt", ROBOTS_MAX_BYTES, robots=False, accept="text/plain")
            except FetchError as e:
                if e.problem.startswith("HTTP 401") or e.problem.startswith("HTTP 403"):
                    rp.disallow_all = True
                else:
                    rp.allow_all = True
            else:
                rp.parse(r.content.decode("utf-8", errors="replace").splitlines())
            self._robots[site] = rp
        return rp.can_fetch(self.user_agent, url)

    def get(self, url: str, *, accept: str = "*/*") -> Response:
        """GET ``url`` within the bounds; ``FetchError`` for anything but a 2xx answer in time and in size."""
        return self._get(url, self.max_bytes, robots=self.robots, accept=accept)

    def _get(self, url: str, max_bytes: int, *, robots: bool, accept: str) -> Response:
        import httpx

        deadline = time.monotonic() + self.timeout * 3
        current = url
        for _ in range(self.max_redirects + 1):
            check_url(current, allow_private=self.allow_private)
            if robots and not self.allowed(current):
                raise FetchError(current, "disallowed by the site's robots.txt")
            try:
                with self._client.stream("GET", current, headers={"Accept": accept}) as r:
                    if r.is_redirect:
                        location = r.headers.get("location")
                        if not location:
                            raise FetchError(current, f"HTTP {r.status_code} redirect without a Location")
                        current = urljoin(current, location)
                        continue
                    if not 200 <= r.status_code < 300:
                        raise FetchError(current, f"HTTP {r.status_code} {r.reason_phrase}".rstrip())
                    length = r.headers.get("content-length")
                    if length and length.isdigit() and int(length) > max_bytes:
                        raise FetchError(current, f"too large ({int(length):,} bytes, limit {max_bytes:,})")
                    chunks, size = [], 0
                    for chunk in r.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError(current, f"too large (over the limit of {max_bytes:,} bytes)")
                        if time.monotonic() > deadline:
                            raise FetchError(current, f"took longer than {self.timeout * 3:g} s")
                        chunks.append(chunk)
                    return Response(str(r.url), r.status_code, r.headers.get("content-type", ""), b"".join(chunks))
            except httpx.TimeoutException:
                raise FetchError(current, f"timed out (limit {self.timeout:g} s)") from None
            except httpx.HTTPError as e:
                raise FetchError(current, f"cannot fetch: {' '.join(str(e).split())[:200] or type(e).__name__}") from None
        raise FetchError(url, f"more than {self.max_redirects} redirects")
