"""A saved listing page as plain text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperwire import ids
from paperwire.formats import ParseOptions, Parsed, Rejection, detect
from paperwire.formats.inputs import SNIFF_BYTES
from paperwire.formats.listing_page import FORMAT

TESTDATA = Path(__file__).parent / "testdata"
SAMPLE = TESTDATA / "listing_first10.txt"
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FULL_PAGE = DATA / "listing-page" / "trending-listing.txt"

HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nMar 11\n\n"
ABSTRACT = ("We study a problem that matters. " * 10).strip()


def parse(text: str | bytes, name: str = "page.txt", options: ParseOptions | None = None):
    data = text.encode() if isinstance(text, str) else text
    return list(FORMAT.parse(io.BytesIO(data), name, options or ParseOptions()))


def page(*blocks: str) -> str:
    return HEADER + "\n\n".join(blocks) + "\n"


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start))


# --- valid input -------------------------------------------------------------------------

def test_sample_page():
    results = parse(SAMPLE.read_bytes(), "trending.txt")
    assert all(isinstance(r, Parsed) for r in results)
    assert [r.origin for r in results] == [f"trending.txt:{n}" for n in range(11, 51, 4)]
    first = results[0].record
    assert first.title == "Space-time tradeoffs of lenses and optics via higher category theory"
    assert first.abstract.startswith("Optics and lenses are abstract categorical gadgets")
    assert first.arxiv_id is None and first.authors == [] and first.listings == []
    assert first.key == ids.title_key(first.title)
    assert results[1].record.title == ("SQUASH: Serverless and Distributed Quantization-based "
                                       "Attributed Vector Similarity Search")


def test_full_real_page_has_89_papers_and_no_rejections():
    if not FULL_PAGE.exists():
        pytest.skip(f"real data not available at {FULL_PAGE}")
    results = parse(FULL_PAGE.read_bytes(), "trending-listing.txt")
    assert [r for r in results if isinstance(r, Rejection)] == []
    assert len(results) == 89
    assert len({r.record.key for r in results}) == 89
    assert results[-1].origin == "trending-listing.txt:363"
    assert results[-1].record.title.startswith("ByteScale: Efficient Scaling of LLM Training")


def test_crlf_line_endings_and_wrapped_abstracts():
    text = page("First title", "An abstract\nwrapped over\nthree lines. " + ABSTRACT)
    results = parse(text.replace("\n", "\r\n"))
    (result,) = results
    assert result.record.title == "First title"
    assert result.record.abstract == "An abstract wrapped over three lines. " + ABSTRACT


def test_header_only_page_yields_nothing():
    assert parse(HEADER) == []


# --- sniffing ----------------------------------------------------------------------------

def test_listing_page_is_detected():
    assert detect(SAMPLE.read_bytes(), SAMPLE.name) is FORMAT
    if FULL_PAGE.exists():
        assert detect(FULL_PAGE.read_bytes()[:SNIFF_BYTES], FULL_PAGE.name) is FORMAT


def test_head_cut_inside_a_character_still_sniffs():
    data = page("Café au lait", "é" * 300).encode()
    assert FORMAT.sniff(data[:-3], "page.txt")


@pytest.mark.parametrize("path", ["hf_api/2024-05-27.json", "hf_api/2025-01-10.json",
                                  "hf_daily_first3.jsonl", "arxiv_atom/id_1605.08386.xml"])
def test_other_samples_are_not_listing_pages(path):
    head = (TESTDATA / path).read_bytes()
    assert not FORMAT.sniff(head, path)
    assert detect(head, path) is not FORMAT


@pytest.mark.parametrize("head", [
    b"",
    b"\n\n   \n",
    b"\x00\x01binary" + b"\x00" * 400,
    "Caf\u00e9\n\n".encode("latin-1") + b"x" * 400,
    # Notes and READMEs: a short line, then hard-wrapped paragraphs.
    ("Notes\n\n" + "\n".join(["a line of wrapped prose text that goes on"] * 10)).encode(),
    b"Just one short line\n",
    b"Title\n\nToo short to be an abstract.\n",
])
def test_text_that_is_not_a_listing_page_is_not_claimed(head):
    assert not FORMAT.sniff(head, "x.txt")


def test_source_notes_are_not_claimed():
    notes = [p for p in DATA.glob("*/SOURCE.txt")]
    if not notes:
        pytest.skip(f"real data not available at {DATA}")
    for path in notes:
        assert not FORMAT.sniff(path.read_bytes(), str(path)), path


# --- invalid and hostile input -----------------------------------------------------------

def test_title_without_abstract_after_the_first_paper():
    text = page("Paper one", ABSTRACT, "Lonely title", "Paper two", ABSTRACT)
    results = parse(text)
    assert [type(r).__name__ for r in results] == ["Parsed", "Rejection", "Parsed"]
    assert results[1] == Rejection(f"page.txt:{line_of(text, 'Lonely')}", "title without an abstract")
    assert results[2].record.title == "Paper two"


def test_trailing_title_is_rejected():
    text = page("Paper one", ABSTRACT, "Load more")
    assert parse(text)[-1] == Rejection(f"page.txt:{line_of(text, 'Load')}",
                                        "title without an abstract")


def test_abstract_without_title():
    text = page("Paper one", ABSTRACT, "Orphan. " + ABSTRACT, "Paper two", ABSTRACT)
    results = parse(text)
    assert [type(r).__name__ for r in results] == ["Parsed", "Rejection", "Parsed"]
    assert results[1] == Rejection(f"page.txt:{line_of(text, 'Orphan')}",
                                   "abstract-like paragraph without a title line before it")


def test_abstract_like_block_in_the_header_is_rejected():
    text = "A long introduction. " + ABSTRACT + "\n\n" + page("Paper one", ABSTRACT)
    results = parse(text)
    assert results[0] == Rejection("page.txt:1", "abstract-like paragraph without a title line before it")
    assert results[1].record.title == "Paper one"


def test_title_over_two_lines_is_rejected():
    text = page("Paper one", ABSTRACT, "Split\ntitle", ABSTRACT)
    assert parse(text)[-1] == Rejection(f"page.txt:{line_of(text, 'Split')}",
                                        "title spans 2 lines; a title is one line")


def test_overlong_title_is_rejected():
    text = page("Paper one", ABSTRACT, "T" * 1_001, ABSTRACT * 5)
    assert parse(text)[1:] == [Rejection(f"page.txt:{line_of(text, 'TTT')}",
                                         "title is longer than 1,000 characters")]


def test_latin1_title_is_one_rejection_and_its_abstract_is_not_an_orphan():
    text = page("Paper one", ABSTRACT, "Caf\u00e9 title", ABSTRACT, "Paper three", ABSTRACT)
    results = parse(text.encode("latin-1"))
    assert [type(r).__name__ for r in results] == ["Parsed", "Rejection", "Parsed"]
    assert results[1].origin == f"page.txt:{line_of(text, 'Caf')}"
    assert results[1].reason.startswith("not valid UTF-8")


def test_latin1_abstract_is_one_rejection():
    text = page("Paper one", ABSTRACT, "Paper two", "Caf\u00e9 " + ABSTRACT, "Paper three", ABSTRACT)
    results = parse(text.encode("latin-1"))
    assert [type(r).__name__ for r in results] == ["Parsed", "Rejection", "Parsed"]
    assert results[1].origin == f"page.txt:{line_of(text, 'Caf')}"
    assert [r.record.title for r in results if isinstance(r, Parsed)] == ["Paper one", "Paper three"]


def test_oversized_line_is_rejected():
    text = page("Paper one", ABSTRACT, "Paper two", "x" * 5_000, "Paper three", ABSTRACT)
    results = parse(text, options=ParseOptions(max_record_bytes=1_000))
    assert [type(r).__name__ for r in results] == ["Parsed", "Rejection", "Parsed"]
    assert results[1] == Rejection(f"page.txt:{line_of(text, 'xxx')}", "line longer than 1,000 bytes")


def test_oversized_paragraph_is_rejected_at_the_line_that_overflows():
    paragraph = "\n".join(["y" * 90] * 20)
    text = page("Paper one", ABSTRACT, "Paper two", paragraph, "Paper three", ABSTRACT)
    results = parse(text, options=ParseOptions(max_record_bytes=1_000))
    assert [type(r).__name__ for r in results] == ["Parsed", "Rejection", "Parsed"]
    assert results[1] == Rejection(f"page.txt:{line_of(text, 'yyy') + 10}",
                                   "paragraph longer than 1,000 bytes")


def test_binary_garbage_does_not_crash():
    results = parse(bytes(range(256)) * 50)
    assert all(isinstance(r, Rejection) and r.origin.startswith("page.txt:") for r in results)


# --- property ----------------------------------------------------------------------------

_word = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S")),
                min_size=3, max_size=12)
_title = st.lists(_word, min_size=1, max_size=15).map(" ".join)  # at most 194 characters
_abstract = st.lists(_word, min_size=60, max_size=120).map(" ".join)  # at least 239


@settings(max_examples=60, deadline=None)
@given(papers=st.lists(st.tuples(_title, _abstract), min_size=1, max_size=8))
def test_rendered_pages_come_back(papers):
    text = page(*(part for pair in papers for part in pair))
    results = parse(text)
    assert [(r.record.title, r.record.abstract) for r in results] == papers
    assert FORMAT.sniff(text.encode(), "page.txt")
