"""Identity and merging: the rules that make re-imports idempotent (property tests)."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest
from hypothesis import given, settings, strategies as st

from paperwire import ids
from paperwire.records import Listing, PaperRecord, Version, merge, normalised


@pytest.mark.parametrize(("raw", "expected"), [
    ("2405.15738", ("2405.15738", None)),
    ("2405.15738v3", ("2405.15738", 3)),
    ("arXiv:2405.15738v2", ("2405.15738", 2)),
    ("https://arxiv.org/abs/2405.15738v1", ("2405.15738", 1)),
    ("http://arxiv.org/pdf/2405.15738.pdf", ("2405.15738", None)),
    ("oai:arXiv.org:0704.0001", ("0704.0001", None)),
    ("hep-th/9901001", ("hep-th/9901001", None)),
    ("math.GT/0309136v2", ("math/0309136", 2)),
    ("  1501.00001 ", ("1501.00001", None)),
])
def test_arxiv_ids_in_every_common_form(raw: str, expected: tuple) -> None:
    assert ids.parse_arxiv_id(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "2413.00001", "2405.1573", "12345.67890",
                                 "2405.15738v", "../etc/passwd", "2405.15738 OR 1=1"])
def test_malformed_ids_are_refused(raw: str) -> None:
    with pytest.raises(ids.InvalidId):
        ids.parse_arxiv_id(raw)


@given(st.integers(7, 99), st.integers(1, 12), st.integers(1, 99999), st.integers(1, 30))
def test_generated_new_style_ids_round_trip(year: int, month: int, number: int, version: int) -> None:
    digits = 5 if year >= 15 else 4
    number %= 10 ** digits
    base = f"{year:02d}{month:02d}.{number:0{digits}d}"
    assert ids.parse_arxiv_id(f"{base}v{version}") == (base, version)
    assert ids.parse_arxiv_id(f"https://arxiv.org/abs/{base}") == (base, None)


def _fold_general(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.upper()).casefold()
    kept = [ch if ch.isalnum() else " " for ch in folded if not unicodedata.combining(ch)]
    return " ".join("".join(kept).split())


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_fast_path_agrees_with_the_general_rule(text: str) -> None:
    assert ids.fold(text) == _fold_general(text)


@given(st.text(min_size=1))
def test_title_keys_ignore_case_spacing_and_accents(title: str) -> None:
    assert ids.title_key(title) == ids.title_key("  " + title.upper() + " ")
    assert ids.title_key("Café au lait") == ids.title_key("CAFE AU LAIT")


# --- merge ---------------------------------------------------------------------------------

_text = st.text(alphabet="abc xyz", min_size=1, max_size=12)
_opt_text = st.none() | _text
_count = st.none() | st.integers(0, 1000)
_stamp = st.sampled_from(["2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"])


@st.composite
def records(draw: st.DrawFn) -> PaperRecord:
    version_count = draw(st.integers(0, 3))
    versions = [Version(n, draw(st.none() | _stamp)) for n in range(1, version_count + 1)]
    listings = [Listing(day, "hf", draw(st.none() | st.just("user")))
                for day in draw(st.lists(st.sampled_from(["2024-01-01", "2024-01-02"]),
                                         unique=True, max_size=2))]
    return normalised(PaperRecord(
        title=draw(_text), abstract=draw(st.text(alphabet="abc ", max_size=20)),
        arxiv_id="2401.00001", authors=draw(st.lists(_text, max_size=3)),
        categories=draw(st.lists(st.sampled_from(["cs.LG", "cs.CL", "stat.ML"]), unique=True,
                                 max_size=2)),
        published=draw(st.none() | _stamp), versions=versions, comments=draw(_opt_text),
        github_repo=draw(st.none() | st.just("https://github.com/a/b")),
        github_stars=draw(_count), upvotes=draw(_count), num_comments=draw(_count),
        ai_summary=draw(_opt_text), ai_keywords=draw(st.lists(_text, max_size=2)),
        listings=listings))


@given(records(), records())
@settings(max_examples=300)
def test_merging_the_same_record_again_changes_nothing(a: PaperRecord, b: PaperRecord) -> None:
    once = merge(a, b)
    assert merge(once, b) == once
    if (a.latest_version or 0) < (b.latest_version or 0):
        # An older version read again never takes the newer metadata back.
        assert merge(once, a).title == once.title


@given(records())
def test_a_record_merged_into_itself_is_itself(a: PaperRecord) -> None:
    assert merge(a, a) == a


@given(records(), records())
def test_counts_never_go_down_and_listings_accumulate(a: PaperRecord, b: PaperRecord) -> None:
    merged = merge(a, b)
    for name in ("upvotes", "num_comments", "github_stars"):
        values = [v for v in (getattr(a, name), getattr(b, name)) if v is not None]
        assert getattr(merged, name) == (max(values) if values else None)
    days = {(x.day, x.source) for x in a.listings + b.listings}
    assert {(x.day, x.source) for x in merged.listings} == days
    assert [v.version for v in merged.versions] == sorted(
        {v.version for v in a.versions + b.versions})


def test_older_version_only_fills_gaps_and_newer_keeps_the_old_text() -> None:
    v1 = PaperRecord(title="Old", abstract="old text", arxiv_id="2401.00001",
                     versions=[Version(1, "2024-01-01T00:00:00Z")])
    v2 = PaperRecord(title="New", abstract="new text", arxiv_id="2401.00001", comments="v2 notes",
                     versions=[Version(1, "2024-01-01T00:00:00Z"), Version(2, "2024-02-01T00:00:00Z")])
    upgraded = merge(v1, v2)
    assert (upgraded.title, upgraded.comments) == ("New", "v2 notes")
    assert upgraded.versions[0] == Version(1, "2024-01-01T00:00:00Z", "Old", "old text")
    assert merge(upgraded, v1) == upgraded
    assert merge(v2, replace(v1, comments="from v1")).comments == "v2 notes"
    assert merge(replace(v2, comments=None), replace(v1, comments="from v1")).comments == "from v1"
