"""LaTeX to MathML on the server: formulas render, everything else is escaped, and no
input produces markup outside the MathML allow-list or raises."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from paperwire import latex

from .htmltags import start_tags as tags

ALLOWED = latex._ELEMENTS


def test_inline_and_display_math_render_and_text_is_escaped() -> None:
    html = latex.render("If $x^2 < y$ then $$\\frac{a}{b}$$ holds <b>bold</b> & more.")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert 'display="block"' in html and "<mfrac>" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more." in html


def test_dollars_that_are_not_math_stay_text() -> None:
    assert latex.render("It costs $5 and $10 today") == "It costs $5 and $10 today"
    assert latex.render("a \\$ b") == "a \\$ b"
    assert latex.render("$ x $") == "$ x $"


def test_a_malformed_formula_falls_back_to_its_escaped_source() -> None:
    assert latex.render("bad $x^$ here") == "bad $x^$ here"
    assert latex.render("$a^{<b>}_$") == "$a^{&lt;b&gt;}_$"
    assert latex.render("$\\begin{matrix}$") == "$\\begin{matrix}$"


def test_markup_smuggled_through_latex_is_refused() -> None:
    for source in ("$\\text{<script>alert(1)</script>}$", "$\\text{<b onclick=x>b</b>}$",
                   "$\\href{javascript:alert(1)}{x}$", "$\\style{color:red}{x}$"):
        html = latex.render(source)
        for tag, attributes in tags(html):
            assert tag in ALLOWED, (source, tag)
            assert "href" not in attributes and not any(a.startswith("on") for a in attributes)


def test_snippets_end_at_a_word_and_never_inside_a_formula() -> None:
    text = "word " * 60 + "and $\\alpha + \\beta$ " * 10
    for limit in range(240, 330, 7):
        cut = latex.snippet(text, limit)
        assert cut.endswith("…") and cut[:-1].count("$") % 2 == 0
        assert len(cut) <= limit + 40
    assert latex.snippet("short", 300) == "short"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("$\\{}^_<>&\"'ab x=/")) | st.characters(),
               max_size=60))
def test_any_input_renders_safely(source: str) -> None:
    html = latex.render(source)
    for tag, attributes in tags(html):
        assert tag in ALLOWED, (source, html)
        for name, value in attributes.items():
            assert name in latex._ATTRIBUTES or name == "xmlns", (source, name)
