"""LaTeX in titles and abstracts, rendered as MathML on the server (no JavaScript, no CDN).

`$...$` and `$$...$$` spans become MathML through latex2mathml; everything else is
HTML-escaped. latex2mathml passes some input through as markup (`\\text{<b>}`) and keeps
`\\href` targets, so its output is parsed and rebuilt from an allow-list of MathML elements
and attributes. A formula that fails to convert, or converts into anything outside the
allow-list, is shown as its escaped source text: rendering never raises.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ElementTree

from defusedxml.ElementTree import fromstring
from latex2mathml.converter import convert
from markupsafe import Markup, escape

MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
MAX_FORMULA_CHARS = 600
MAX_FORMULAS = 200  # per text; the rest stay as source

# $$display$$, or $inline$ where the opening $ is followed and the closing $ preceded by a
# non-space, and no digit follows the closing $ ("costs $5 and $10" is not math).
_MATH = re.compile(
    r"(?<!\\)\$\$(?P<display>[^$]+?)\$\$"
    r"|(?<![\\$])\$(?P<inline>[^\s$](?:[^$]*?[^\s$\\])?)\$(?![\d$])")

_ELEMENTS = frozenset("""
    math mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt mroot mstyle mtable mtr
    mtd mlabeledtr munder mover munderover mpadded mphantom menclose merror mfenced
    mmultiscripts mprescripts none semantics annotation
""".split())
_ATTRIBUTES = frozenset("""
    display mathvariant mathsize mathcolor stretchy fence separator lspace rspace accent
    accentunder columnalign columnspacing columnlines rowalign rowspacing rowlines frame
    linethickness displaystyle scriptlevel width height depth notation open close separators
    form minsize maxsize movablelimits symmetric largeop align bevelled
""".split())
_SAFE_VALUE = re.compile(r"[#%\w.\- ]{0,40}")


class UnsafeMathML(ValueError):
    pass


def render(text: str | None) -> Markup:
    """`text` as safe HTML: its math as MathML, the rest escaped."""
    if not text:
        return Markup("")
    if "$" not in text:
        return escape(text)
    parts: list[str] = []
    position = 0
    for count, match in enumerate(_MATH.finditer(text)):
        if count >= MAX_FORMULAS:
            break
        parts.append(escape(text[position:match.start()]))
        display = match.group("display") is not None
        formula = match.group("display") if display else match.group("inline")
        parts.append(formula_html(formula, display) or escape(match.group(0)))
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("".join(parts))


@functools.lru_cache(maxsize=8192)
def formula_html(formula: str, display: bool = False) -> Markup | None:
    """One formula as sanitised MathML, or None when it cannot be rendered safely."""
    if len(formula) > MAX_FORMULA_CHARS:
        return None
    try:
        mathml = convert(formula, display="block" if display else "inline")
        root = fromstring(mathml)
        return Markup(_serialise(root))
    except Exception:  # noqa: BLE001 - a third-party parser on untrusted input: any failure
        return None    # means "show the source instead"


def _serialise(element: ElementTree.Element) -> str:
    tag = element.tag
    if not tag.startswith(MATHML_NS) or tag[len(MATHML_NS):] not in _ELEMENTS:
        raise UnsafeMathML(tag)
    name = tag[len(MATHML_NS):]
    attributes = []
    for key, value in element.attrib.items():
        if key in _ATTRIBUTES and _SAFE_VALUE.fullmatch(value):
            attributes.append(f' {key}="{escape(value)}"')
    if name == "math":
        attributes.insert(0, ' xmlns="http://www.w3.org/1998/Math/MathML"')
    inner = [escape(element.text or "")]
    for child in element:
        inner.append(_serialise(child))
        inner.append(escape(child.tail or ""))
    return f"<{name}{''.join(attributes)}>{''.join(inner)}</{name}>"



def snippet(text: str | None, limit: int = 300) -> str:
    """The first `limit` characters or so, cut at a word boundary and never inside a formula."""
    if not text or len(text) <= limit:
        return text or ""
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    if "$" not in text[:cut]:
        return text[:cut].rstrip(" ,;:") + "…"
    for match in _MATH.finditer(text, 0, min(len(text), cut + MAX_FORMULA_CHARS)):
        if match.start() < cut < match.end():
            cut = match.start() if match.end() - cut > 80 or match.start() > limit else match.end()
            break
        if match.start() >= cut:
            break
    return text[:cut].rstrip(" ,;:") + "…"
