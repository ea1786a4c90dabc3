"""Hugging Face daily papers: the flattened JSON Lines and the raw API responses."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperwire.formats import ParseOptions, Parsed, Rejection, detect
from paperwire.formats.hf_daily import FORMAT_FLAT, FORMAT_RAW
from paperwire.formats.inputs import SNIFF_BYTES, open_inputs
from paperwire.records import Listing

TESTDATA = Path(__file__).parent / "testdata"
HF_API = TESTDATA / "hf_api"
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
HF_DATA = DATA / "hf-daily-papers"


def parse_raw(data: bytes, name: str = "response.json", options: ParseOptions | None = None):
    return list(FORMAT_RAW.parse(io.BytesIO(data), name, options or ParseOptions()))


def parse_flat(data: bytes, name: str = "daily.jsonl", options: ParseOptions | None = None):
    return list(FORMAT_FLAT.parse(io.BytesIO(data), name, options or ParseOptions()))


def records(results):
    assert all(isinstance(r, Parsed) for r in results), [r for r in results if isinstance(r, Rejection)]
    return [r.record for r in results]


def fixture(name: str) -> bytes:
    return (HF_API / name).read_bytes()


def first_item(name: str = "2026-08-21.json") -> dict:
    return json.loads(fixture(name))[0]


def one_item_document(item: object) -> bytes:
    return json.dumps([item], indent=2).encode()


def needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data not available at {path}")
    return path


# --- valid input -------------------------------------------------------------------------

def test_raw_list_of_paper_dicts():
    results = parse_raw(fixture("2024-05-27.json"), "2024-05-27.json")
    first, second = records(results)
    assert [r.origin for r in results] == ["2024-05-27.json:2", "2024-05-27.json:89"]
    assert first.arxiv_id == "2405.15738"
    assert first.title == "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models"
    assert first.abstract.startswith("High-resolution Large Multimodal Models (LMMs) encounter")
    assert first.authors[0] == "Chunjiang Ge" and len(first.authors) == 9
    assert (first.upvotes, first.num_comments) == (32, 3)
    assert first.published == "2024-05-24T17:34:15Z"
    assert first.listings == [Listing("2024-05-27", "hf", None, "2024-05-27T03:50:58Z")]
    assert first.key == "2405.15738"
    assert second.arxiv_id == "2405.15574" and second.upvotes == 28


def test_raw_newer_fields():
    paper = records(parse_raw(fixture("2026-08-21.json"), "2026-08-21.json"))[0]
    assert paper.arxiv_id == "2608.19880"
    assert paper.title == "EnvHarness: Awakening Static Worlds for Agent Learning"
    assert paper.organization == "Google"
    assert paper.github_repo == "https://github.com/google-research/envharness"
    assert paper.github_stars == 8
    assert paper.project_page == "https://envharness.com/"
    assert paper.upvotes == 163
    assert paper.ai_summary.startswith("EnvHarness and EnvRigger dynamically reshape")
    assert paper.ai_keywords[:2] == ["LLM agents", "Environment Harness"]
    assert paper.listings == [Listing("2026-08-21", "hf", "taesiri", "2026-08-21T00:00:00Z")]


def test_raw_list_of_python_repr_strings():
    results = parse_raw(fixture("2024-12-11.json"), "2024-12-11.json")
    stiv, arena = records(results)
    assert [r.origin for r in results] == ["2024-12-11.json:2", "2024-12-11.json:3"]
    assert stiv.arxiv_id == "2412.07730"
    assert stiv.title == "STIV: Scalable Text and Image Conditioned Video Generation"
    assert stiv.authors[:2] == ["Zongyu Lin", "Wei Liu"] and len(stiv.authors) == 17
    assert stiv.upvotes == 54
    assert stiv.listings == [Listing("2024-12-11", "hf", "yyf86", "2024-12-11T01:02:25Z")]
    assert arena.arxiv_id == "2412.05210" and arena.listings[0].submitted_by == "CSJianYang"


def test_raw_wrapper_of_python_repr_strings():
    results = parse_raw(fixture("2025-01-10.json"), "2025-01-10.json")
    papers = records(results)
    assert [r.origin for r in results] == ["2025-01-10.json:6", "2025-01-10.json:7", "2025-01-10.json:8"]
    assert papers[0].title == "The GAN is dead; long live the GAN! A Modern GAN Baseline"
    assert papers[0].listings[0].submitted_by == "Skylion007"
    assert papers[2].authors[0] == "Ethem Yağız Çalık"
    assert {p.listings[0].day for p in papers} == {"2025-01-10"}


@pytest.mark.parametrize("name", [
    "archive.tar.xz:Paper_metadata_download/2024-12-11.json",
    "/data/hf/2024-12-11.json",
    "2024-12-11.json.gz",
])
def test_listing_day_comes_from_the_file_name(name):
    document = fixture("2024-12-11.json")
    assert {r.record.listings[0].day for r in parse_raw(document, name)} == {"2024-12-11"}


def test_listing_day_falls_back_to_wrapper_date_then_submission_time():
    wrapped = records(parse_raw(fixture("2025-01-10.json"), "response.json"))
    assert {p.listings[0].day for p in wrapped} == {"2025-01-10"}
    # 2026 items carry submittedOnDailyAt; 2024 ones only the listing's publishedAt.
    assert records(parse_raw(fixture("2026-08-21.json"), "x.json"))[0].listings[0].day == "2026-08-21"
    assert records(parse_raw(fixture("2024-05-27.json"), "x.json"))[0].listings[0].day == "2024-05-27"


def test_hidden_authors_are_still_authors():
    item = first_item()
    item["paper"]["authors"][1]["hidden"] = True
    paper = records(parse_raw(one_item_document(item)))[0]
    assert paper.authors[:3] == ["Chengsong Huang", "Zifeng Wang", "Rujun Han"]


def test_organization_falls_back_to_its_name():
    item = first_item()
    item["paper"]["organization"] = {"name": "google"}
    assert records(parse_raw(one_item_document(item)))[0].organization == "google"


def test_flat_lines():
    results = parse_flat((TESTDATA / "hf_daily_first3.jsonl").read_bytes(), "daily.jsonl")
    papers = records(results)
    assert [r.origin for r in results] == ["daily.jsonl:1", "daily.jsonl:2", "daily.jsonl:3"]
    assert papers[2].arxiv_id == "2405.15071"
    assert papers[2].title.startswith("Grokked Transformers are Implicit Reasoners")
    assert papers[2].authors[:2] == ["Boshi Wang", "Xiang Yue"]
    assert (papers[2].upvotes, papers[2].num_comments) == (19, 0)
    assert papers[2].listings == [Listing("2024-05-27", "hf", None, "2024-05-27T02:03:20Z")]


def test_flat_line_parser_matches_the_stream_parser():
    data = (TESTDATA / "hf_daily_first3.jsonl").read_bytes()
    lines = data.decode().splitlines()
    assert [FORMAT_FLAT.parse_line(line, f"daily.jsonl:{n}") for n, line in enumerate(lines, 1)] \
        == parse_flat(data)


def test_flat_and_raw_give_the_same_records():
    flat = records(parse_flat((TESTDATA / "hf_daily_first3.jsonl").read_bytes()))
    raw = records(parse_raw(fixture("2024-05-27.json"), "2024-05-27.json"))
    assert flat[:2] == raw


def read_real(path: Path, fmt):
    """(input name, results) per input in a real file, read the way the importer opens it."""
    for source in open_inputs(needs(path)):
        assert detect(source.head, source.name) is fmt, source.name
        yield source.name, list(fmt.parse(source.stream, source.name, ParseOptions()))


@pytest.mark.slow
def test_full_flat_file():
    ((_, results),) = read_real(HF_DATA / "hf_daily_papers_2024-05-27_2026-08-21.jsonl.gz",
                                FORMAT_FLAT)
    assert [r for r in results if isinstance(r, Rejection)] == []
    assert len(results) == 9_881
    assert len({r.record.arxiv_id for r in results}) == 9_877


@pytest.mark.slow
def test_full_raw_archive_matches_the_flat_file():
    ((_, flat_results),) = read_real(
        HF_DATA / "hf_daily_papers_2024-05-27_2026-08-21.jsonl.gz", FORMAT_FLAT)
    flat = {(r.record.listings[0].day, r.record.arxiv_id): r.record for r in flat_results}
    raw, members, submitters = {}, 0, 0
    for _, results in read_real(HF_DATA / "raw_Paper_metadata_download.tar.xz", FORMAT_RAW):
        members += 1
        for record in records(results):
            submitters += record.listings[0].submitted_by is not None
            # The flattened file has no submitter; everything else must agree.
            record.listings = [replace(record.listings[0], submitted_by=None)]
            raw[(record.listings[0].day, record.arxiv_id)] = record
    assert members == 580
    assert len(raw) == 9_881 and submitters == 9_657
    assert raw == flat


# --- sniffing ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["2024-05-27.json", "2024-12-11.json", "2025-01-10.json",
                                  "2026-08-21.json"])
def test_raw_samples_are_detected_as_hf_api(name):
    assert detect(fixture(name)[:SNIFF_BYTES], name) is FORMAT_RAW


def test_flat_file_is_detected_as_hf_jsonl():
    head = (TESTDATA / "hf_daily_first3.jsonl").read_bytes()
    assert detect(head, "daily.jsonl") is FORMAT_FLAT
    assert not FORMAT_RAW.sniff(head, "daily.jsonl")


@pytest.mark.parametrize("path", [
    "arxiv_atom/id_1605.08386.xml", "listing_first10.txt", "hf_daily_first3.jsonl",
])
def test_raw_format_does_not_claim_other_samples(path):
    assert not FORMAT_RAW.sniff((TESTDATA / path).read_bytes(), path)


@pytest.mark.parametrize("path", ["hf_api/2024-05-27.json", "arxiv_atom/id_abc.xml",
                                  "listing_first10.txt"])
def test_flat_format_does_not_claim_other_samples(path):
    assert not FORMAT_FLAT.sniff((TESTDATA / path).read_bytes(), path)


def test_json_wrapping_an_atom_body_mentioning_papers_is_not_hf():
    body = (TESTDATA / "arxiv_atom/id_1605.08386.xml").read_text() + " papers paper "
    wrapper = json.dumps({"url": "https://export.arxiv.org/api/query", "status_code": 200,
                          "body": body}, indent=2).encode()
    assert not FORMAT_RAW.sniff(wrapper, "q.json")


def test_single_line_json_object_is_left_to_json_lines_formats():
    line = json.dumps({"paper": {"id": "2405.15738"}, "data": "x"}).encode() + b"\n"
    assert not FORMAT_RAW.sniff(line, "x.jsonl")


def test_kaggle_sample_is_not_hf():
    path = needs(DATA / "arxiv-kaggle-snapshot-sample/arxiv-metadata-oai-snapshot.first200.jsonl")
    head = path.read_bytes()[:SNIFF_BYTES]
    assert not FORMAT_RAW.sniff(head, path.name) and not FORMAT_FLAT.sniff(head, path.name)


# --- invalid and hostile input -----------------------------------------------------------

def test_truncated_document_is_one_rejection_where_it_broke():
    text = fixture("2024-05-27.json").decode()
    lines = text.split("\n")
    cut = "\n".join(lines[:120]) + "\n" + lines[120][:10]
    results = parse_raw(cut.encode(), "2024-05-27.json")
    assert len(results) == 1 and isinstance(results[0], Rejection)
    assert results[0].origin == "2024-05-27.json:121"
    assert results[0].reason.startswith("malformed JSON document")


def test_garbage_inside_document_is_reported_at_its_line():
    lines = fixture("2024-05-27.json").decode().split("\n")
    lines[40] = "        oops,"
    (rejection,) = parse_raw("\n".join(lines).encode(), "d.json")
    assert rejection.origin == "d.json:41" and "malformed JSON" in rejection.reason


def test_trailing_garbage_is_rejected():
    (rejection,) = parse_raw(fixture("2024-05-27.json") + b"\n]\n", "d.json")
    assert isinstance(rejection, Rejection) and "Extra data" in rejection.reason


def test_latin1_bytes_are_rejected_at_their_line():
    document = one_item_document(first_item()).replace(b"EnvHarness: Awakening",
                                                         "EnvHarness: Évolution".encode("latin-1"))
    line = document[:document.index(b"\xc9volution")].count(b"\n") + 1
    (rejection,) = parse_raw(document, "d.json")
    assert rejection.origin == f"d.json:{line}" and "not valid UTF-8" in rejection.reason


def test_python_repr_that_is_not_a_literal_is_not_run(tmp_path):
    marker = tmp_path / "ran"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    results = parse_raw(json.dumps(["__import__('os')", code]).encode(), "d.json")
    assert [(r.origin, r.reason) for r in results] == [
        ("d.json:1", "string is not a Python literal")] * 2
    assert not marker.exists()


def test_deeply_nested_python_literal_rejection_names_its_line():
    deep = "[" * 100_000 + "]" * 100_000
    results = parse_raw(json.dumps([repr(first_item()), deep], indent=1).encode(), "d.json")
    assert isinstance(results[0], Parsed)
    assert results[1] == Rejection("d.json:3", "string is not a Python literal")


def test_oversized_python_repr_string_is_rejected():
    item = repr(first_item())
    results = parse_raw(json.dumps([item]).encode(), "d.json",
                        ParseOptions(max_record_bytes=len(item) - 1))
    assert results == [Rejection("d.json:1",
                                 f"Python-literal string longer than {len(item) - 1:,} characters")]


def test_deeply_nested_json_is_rejected_at_the_item():
    document = b'[\n{"paper": {}},\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n]"
    (rejection,) = parse_raw(document, "d.json")
    assert rejection.origin == "d.json:3" and "Nested too deeply" in rejection.reason


def test_unclosed_deep_nesting_is_rejected():
    (rejection,) = parse_raw(b"[" * 200_000, "d.json")
    assert isinstance(rejection, Rejection) and rejection.origin == "d.json:1"


@pytest.mark.parametrize("change, reason", [
    (lambda item: item["paper"].update(id="hf-paper-123"), "not an arXiv id: 'hf-paper-123'"),
    (lambda item: item["paper"].pop("id"), "missing arXiv id"),
    (lambda item: (item.pop("title"), item["paper"].update(title="  ")), "missing title"),
    (lambda item: item["paper"].update(publishedAt="yesterday"), "bad published: 'yesterday'"),
    (lambda item: item["paper"].update(upvotes="lots"), "upvotes is not a number: 'lots'"),
    (lambda item: item["paper"].update(githubRepo="file:///etc/passwd"),
     "github_repo is not an http(s) URL: 'file:///etc/passwd'"),
    (lambda item: item["paper"].update(authors="Someone"), "authors is not a list"),
    (lambda item: item.pop("paper"), "item has no paper object"),
])
def test_bad_items_are_rejected_with_a_reason(change, reason):
    good = first_item("2024-05-27.json")
    bad = first_item("2024-05-27.json")
    change(bad)
    document = json.dumps([good, bad], indent=4).encode()
    results = parse_raw(document, "2024-05-27.json")
    assert isinstance(results[0], Parsed)
    bad_line = document.decode().split("\n").index("    {", 2) + 1
    assert results[1] == Rejection(f"2024-05-27.json:{bad_line}", reason)


def test_items_that_are_not_objects_are_rejected_at_their_lines():
    results = parse_raw(b'[\n  1,\n  null,\n  ["x"]\n]', "d.json")
    assert results == [Rejection(f"d.json:{n}", "item is not an object") for n in (2, 3, 4)]


def test_wrapper_without_data_list_is_rejected():
    assert parse_raw(b'{\n "status": "error",\n "paper": 1\n}', "d.json") == [
        Rejection("d.json:1", 'JSON object without a "data" list of papers')]


def test_bad_wrapper_date_is_rejected_when_the_name_has_no_date():
    document = b'{"date": "someday", "data": []}'
    assert parse_raw(document, "d.json") == [Rejection("d.json:1", "bad document date: 'someday'")]
    assert parse_raw(document, "2025-01-10.json") == []


def test_empty_and_whitespace_documents():
    assert parse_raw(b"[]") == []
    (rejection,) = parse_raw(b"  \n\n", "d.json")
    assert rejection.origin == "d.json:3" and "malformed JSON" in rejection.reason


def test_flat_bad_lines_are_rejected_and_reading_goes_on():
    good = (TESTDATA / "hf_daily_first3.jsonl").read_bytes().split(b"\n")[0]
    bad_day = json.loads(good)
    bad_day["daily_date"] = "2024-13-45"
    lines = [good, b"{not json", json.dumps(bad_day).encode(), b"[1, 2]",
             good.replace(b"ConvLLaVA", "ConvLLaVA é".encode("latin-1")), b"x" * 3000, good]
    results = parse_flat(b"\n".join(lines) + b"\n", "d.jsonl", ParseOptions(max_record_bytes=2500))
    assert [type(r).__name__ for r in results] == ["Parsed"] + ["Rejection"] * 5 + ["Parsed"]
    assert [r.origin for r in results] == [f"d.jsonl:{n}" for n in range(1, 8)]
    assert results[1].reason.startswith("malformed JSON")
    assert results[2].reason == "bad daily_date: '2024-13-45'"
    assert results[3].reason == "line is not a JSON object"
    assert results[4].reason.startswith("not valid UTF-8")
    assert results[5].reason == "line longer than 2,500 bytes"


# --- properties --------------------------------------------------------------------------

_space = st.text(alphabet=" \t\r\n", max_size=6)
_item = st.fixed_dictionaries({
    "number": st.integers(min_value=1, max_value=99_999),
    "title": st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
                     min_size=1, max_size=40).filter(lambda t: t.strip()),
    "as_repr": st.booleans(),
    "indent": st.sampled_from([None, 0, 2, 4]),
    "before": _space,
})


@settings(max_examples=60, deadline=None)
@given(items=st.lists(_item, max_size=8), tail=_space)
def test_reported_lines_are_where_items_start(items, tail):
    document, starts, expected = "[", [], []
    for index, spec in enumerate(items):
        arxiv_id = f"2401.{spec['number']:05d}"
        item = {"paper": {"id": arxiv_id, "title": spec["title"]},
                "publishedAt": "2024-01-02T03:04:05Z"}
        text = json.dumps(repr(item)) if spec["as_repr"] else json.dumps(item, indent=spec["indent"])
        document += ("," if index else "") + spec["before"]
        starts.append(document.count("\n") + 1)
        document += text
        expected.append(arxiv_id)
    document += tail + "]"
    results = parse_raw(document.encode(), "2024-01-02.json")
    assert [r.origin for r in results] == [f"2024-01-02.json:{n}" for n in starts]
    assert [r.record.arxiv_id for r in results] == expected
