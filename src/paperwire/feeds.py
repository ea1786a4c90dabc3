"""Feeds of any list of papers: RSS 2.0, Atom 1.0 and JSON Feed 1.1.

XML is built with ElementTree, which escapes every text and attribute; characters XML 1.0
cannot carry are dropped first. Dates are RFC 822 in RSS and RFC 3339 elsewhere.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime

import orjson

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_TYPES = {
    "xml": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ElementTree.register_namespace("atom", ATOM_NS)
ElementTree.register_namespace("dc", DC_NS)


@dataclass
class FeedItem:
    id: str  # a permanent URL: the paper's page here
    url: str
    title: str
    summary: str
    updated: datetime
    published: datetime | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    external_url: str | None = None  # the paper at its source (arXiv)


@dataclass
class Feed:
    title: str
    description: str
    home_url: str  # the page this feed follows
    feed_path: str  # this feed's address without its extension: ".../feeds/daily"
    items: list[FeedItem]
    feed_query: str = ""  # "?q=..." for a search feed

    def self_url(self, fmt: str) -> str:
        return f"{self.feed_path}.{fmt}{self.feed_query}"

    @property
    def updated(self) -> datetime:
        stamps = [item.updated for item in self.items]
        return max(stamps) if stamps else datetime(1990, 1, 1, tzinfo=timezone.utc)


def render(feed: Feed, fmt: str) -> bytes:
    if fmt == "xml":
        return rss(feed)
    if fmt == "atom":
        return atom(feed)
    if fmt == "json":
        return json_feed(feed)
    raise ValueError(f"unknown feed format {fmt!r}: use xml, atom or json")


def _clean(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ElementTree.Element, tag: str, text: str | None = None,
         **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag, {k: _clean(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _xml(root: ElementTree.Element) -> bytes:
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def rss(feed: Feed) -> bytes:
    root = ElementTree.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.home_url)
    _sub(channel, "description", feed.description)
    _sub(channel, f"{{{ATOM_NS}}}link", href=feed.self_url("xml"), rel="self",
         type="application/rss+xml")
    _sub(channel, "lastBuildDate", format_datetime(feed.updated, usegmt=True))
    _sub(channel, "generator", "Paperwire")
    for item in feed.items:
        entry = _sub(channel, "item")
        _sub(entry, "title", item.title)
        _sub(entry, "link", item.url)
        _sub(entry, "guid", item.id, isPermaLink="true")
        _sub(entry, "description", item.summary)
        _sub(entry, "pubDate", format_datetime(item.published or item.updated, usegmt=True))
        for author in item.authors:
            _sub(entry, f"{{{DC_NS}}}creator", author)
        for category in item.categories:
            _sub(entry, "category", category)
    return _xml(root)


def atom(feed: Feed) -> bytes:
    root = ElementTree.Element(f"{{{ATOM_NS}}}feed")
    _sub(root, f"{{{ATOM_NS}}}id", feed.self_url("atom"))
    _sub(root, f"{{{ATOM_NS}}}title", feed.title)
    _sub(root, f"{{{ATOM_NS}}}subtitle", feed.description)
    _sub(root, f"{{{ATOM_NS}}}updated", _rfc3339(feed.updated))
    _sub(root, f"{{{ATOM_NS}}}link", href=feed.self_url("atom"), rel="self",
         type="application/atom+xml")
    _sub(root, f"{{{ATOM_NS}}}link", href=feed.home_url, rel="alternate", type="text/html")
    author = _sub(root, f"{{{ATOM_NS}}}author")
    _sub(author, f"{{{ATOM_NS}}}name", "Paperwire")
    _sub(root, f"{{{ATOM_NS}}}generator", "Paperwire")
    for item in feed.items:
        entry = _sub(root, f"{{{ATOM_NS}}}entry")
        _sub(entry, f"{{{ATOM_NS}}}id", item.id)
        _sub(entry, f"{{{ATOM_NS}}}title", item.title, type="text")
        _sub(entry, f"{{{ATOM_NS}}}updated", _rfc3339(item.updated))
        if item.published:
            _sub(entry, f"{{{ATOM_NS}}}published", _rfc3339(item.published))
        _sub(entry, f"{{{ATOM_NS}}}link", href=item.url, rel="alternate", type="text/html")
        if item.external_url:
            _sub(entry, f"{{{ATOM_NS}}}link", href=item.external_url, rel="related")
        for name in item.authors:
            person = _sub(entry, f"{{{ATOM_NS}}}author")
            _sub(person, f"{{{ATOM_NS}}}name", name)
        for category in item.categories:
            _sub(entry, f"{{{ATOM_NS}}}category", term=category)
        _sub(entry, f"{{{ATOM_NS}}}summary", item.summary, type="text")
    return _xml(root)


def json_feed(feed: Feed) -> bytes:
    items = []
    for item in feed.items:
        data = {"id": item.id, "url": item.url, "title": item.title,
                "content_text": item.summary,
                "date_published": _rfc3339(item.published or item.updated),
                "date_modified": _rfc3339(item.updated)}
        if item.external_url:
            data["external_url"] = item.external_url
        if item.authors:
            data["authors"] = [{"name": name} for name in item.authors]
        if item.categories:
            data["tags"] = item.categories
        items.append(data)
    return orjson.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": feed.title,
        "home_page_url": feed.home_url, "feed_url": feed.self_url("json"),
        "description": feed.description, "items": items,
    })
