"""Comments: markdown rendered to HTML, sanitised by nh3 against an allow-list, with `$...$`
LaTeX as MathML (latex.py).

Formulas are cut out before markdown sees them (so `_` and `*` inside math stay math),
replaced by inert placeholders, and put back as latex.py's rebuilt MathML after nh3 has
cleaned everything else. Raw HTML in the source is never passed through.
"""

from __future__ import annotations

import secrets

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from .. import latex

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_PARSER.disable("image")  # no third-party requests from comment readers' browsers
_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
         "h3", "h4", "h5", "h6", "hr"}
_ATTRIBUTES = {"a": {"href", "title"}}
_SCHEMES = {"http", "https", "mailto"}


def render_markdown(body: str | None) -> Markup:
    if not body:
        return Markup("")
    nonce = secrets.token_hex(6)  # a placeholder no one can type in advance
    formulas: list[Markup] = []

    def cut(match) -> str:  # noqa: ANN001
        display = match.group("display") is not None
        formula = match.group("display") if display else match.group("inline")
        html = latex.formula_html(formula, display) if len(formulas) < latex.MAX_FORMULAS else None
        formulas.append(html or escape(match.group(0)))
        return f"MATH{nonce}N{len(formulas) - 1}E"

    source = latex._MATH.sub(cut, body)  # noqa: SLF001 - the same rule as titles and abstracts
    html = _PARSER.render(source)
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES,
                      link_rel="nofollow noopener ugc")
    for index, formula in enumerate(formulas):
        clean = clean.replace(f"MATH{nonce}N{index}E", str(formula), 1)
    return Markup(clean)
