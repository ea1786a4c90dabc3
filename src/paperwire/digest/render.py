"""The digest email: plain text and inline-styled HTML (Gmail, Outlook and phones ignore
style sheets), one Jinja2 template each. Every title, author and reason is escaped; the
paper parts are rendered once per paper per run and reused across subscribers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..latex import snippet
from ..store.daily import PaperCard
from ..web.pages import author_list, day_label, paper_url
from .compose import Digest

TEMPLATES = Path(__file__).parent / "templates"
SUMMARY_CHARS = 280


@dataclass(frozen=True)
class DigestLinks:
    preferences: str
    unsubscribe: str  # the footer link: a page with a confirm button


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters.update(authors=author_list, day=day_label)
    return env


def one_line(text: str) -> str:
    """No line breaks or control characters: for subjects and one-line fields."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


class Renderer:
    def __init__(self, base_url: str, site_name: str = "Paperwire"):
        self.base_url = base_url.rstrip("/")
        self.site_name = site_name
        self._html = _environment(True)
        self._text = _environment(False)
        self._html_digest = self._html.get_template("digest.html")
        self._text_digest = self._text.get_template("digest.txt")
        self._html_card = self._html.get_template("card.html")
        self._text_card = self._text.get_template("card.txt")
        self._cards: dict[str, tuple[Markup, str]] = {}

    def paper_page(self, card: PaperCard) -> str:
        # from=digest: a signed-in reader's page reports "opened from a digest" (a POST)
        return self.base_url + paper_url(card.id) + "?from=digest"

    def _card(self, card: PaperCard) -> tuple[Markup, str]:
        if card.id not in self._cards:
            summary = card.ai_summary or snippet(card.abstract or "", SUMMARY_CHARS)
            context = {"card": card, "page": self.paper_page(card), "pdf": card.pdf_link,
                       "title": one_line(card.title), "summary": one_line(str(summary))}
            self._cards[card.id] = (Markup(self._html_card.render(context).strip()),
                                    self._text_card.render(context).strip())
        return self._cards[card.id]

    def subject(self, digest: Digest) -> str:
        when = (f"week {digest.period.split('-W')[1].lstrip('0')}" if "-W" in digest.period
                else day_label(digest.period))
        first = digest.papers[0].card.title if digest.papers else ""
        subject = f"{self.site_name} digest, {when}: {one_line(first)}"
        return subject if len(subject) <= 140 else subject[:137].rstrip() + "…"

    def render(self, digest: Digest, links: DigestLinks) -> Rendered:
        sections = [(title, [(pick, *self._card(pick.card)) for pick in picks])
                    for title, picks in (("Picked for you", digest.picks),
                                         ("Trending", digest.trending)) if picks]
        context = {"digest": digest, "sections": sections, "links": links,
                   "site_name": self.site_name, "base_url": self.base_url,
                   "period_label": self.subject(digest).split(", ", 1)[1].split(":")[0]}
        return Rendered(self.subject(digest), self._text_digest.render(context),
                        self._html_digest.render(context))
