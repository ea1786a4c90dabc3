"""OAI-PMH ListRecords pages: the real arXiv sample (oai_dc), arXivRaw and arXiv formats."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from paperwire.formats import by_name, detect
from paperwire.formats.base import ParseOptions, Parsed, Rejection
from paperwire.formats.oai_pmh import OAIPageError, read_page


REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO.parent / "shared" / "data" / "oai-pmh-arxiv-listrecords-atomiklabs" / "test_arxiv_data.xml"
OAI_RECORD = "{http://www.openarchives.org/OAI/2.0/}record"
PAGES = REPO / "tests" / "sources" / "testdata" / "oai"
ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/'
            'OAI/2.0/"><ListRecords>{records}<resumptionToken cursor="0" completeListSize="9">'
            '{token}</resumptionToken></ListRecords></OAI-PMH>')


def page_of(records: str, token: str = "") -> bytes:
    return ENVELOPE.format(records=records, token=token).encode()


def arxiv_record(datestamp: str, created: str, updated: str = "", status: str = "") -> str:
    return (f'<record><header{status}><identifier>oai:arXiv.org:2401.14034</identifier>'
            f'<datestamp>{datestamp}</datestamp><setSpec>cs</setSpec></header><metadata>'
            '<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>2401.14034</id>'
            f'<created>{created}</created>{updated}<authors><author><keyname>Li</keyname>'
            '<forenames>Chuankun</forenames></author><author><keyname>Smith</keyname>'
            '<forenames>John</forenames><suffix>Jr</suffix></author></authors>'
            '<title>Unsupervised   Spatial-Temporal\n Feature Enrichment</title>'
            '<categories>cs.CV cs.LG</categories><comments>12 pages</comments>'
            '<doi>10.1000/XYZ.1</doi><license>http://creativecommons.org/licenses/by/4.0/'
            '</license><abstract>  Skeleton based action recognition.\n</abstract></arXiv>'
            '</metadata></record>')


def test_the_real_arxiv_sample_in_oai_dc() -> None:
    if not SAMPLE.exists():
        pytest.skip(f"shared data not present: {SAMPLE}")
    page = read_page(SAMPLE.open("rb"), "sample.xml")
    assert (page.token, page.complete_list_size, page.cursor) == ("6960524|1001", 1162, 0)
    assert page.max_datestamp == "2024-01-26" and page.error_code is None
    records = [r.record for r in page.results]
    assert [r.arxiv_id for r in records] == [
        "1303.2033", "2401.14034", "2401.14036", "2401.14038", "2401.14040"]
    old, new = records[0], records[1]
    assert old.authors == ["Vilnis Liepins"] and old.categories == ["cs.DS", "cs.IT", "math.NA"]
    assert old.comments == "32 pages, 9 figures" and old.published == "2013-03-08T00:00:00Z"
    assert old.updated == "2024-01-23T00:00:00Z" and old.listings == []  # a replacement
    assert [(x.day, x.source) for x in new.listings] == [("2024-01-26", "arxiv")]  # announced


def test_arxiv_raw_pages_carry_every_version() -> None:
    page = read_page((PAGES / "page1.xml").open("rb"), "page1.xml")
    first = page.results[0].record
    assert [(v.version, v.created) for v in first.versions] == [
        (1, "2007-04-02T19:18:42Z"), (2, "2007-07-24T20:10:27Z")]
    assert first.submitter == "Pavel Nadolsky" and first.doi == "10.1103/physrevd.76.013009"
    assert first.report_no == "ANL-HEP-PR-07-12" and first.categories == ["hep-ph"]
    assert first.authors == ["C. Bal\\'azs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert page.results[0].origin == "page1.xml:6"
    last = read_page((PAGES / "page3.xml").open("rb"), "page3.xml")
    assert last.token is None and last.deleted == 1


def test_the_arxiv_format_and_the_new_paper_listing_rule() -> None:
    fresh = read_page(io.BytesIO(page_of(arxiv_record("2024-01-26", "2024-01-25"))), "p")
    record = fresh.results[0].record
    assert record.authors == ["Chuankun Li", "John Smith Jr"]
    assert record.title == "Unsupervised Spatial-Temporal Feature Enrichment"
    assert record.abstract == "Skeleton based action recognition."
    assert record.doi == "10.1000/xyz.1" and record.categories == ["cs.CV", "cs.LG"]
    assert [x.day for x in record.listings] == ["2024-01-26"]
    stale = read_page(io.BytesIO(page_of(arxiv_record("2024-03-26", "2024-01-25"))), "p")
    assert stale.results[0].record.listings == []  # re-stamped later: not its announcement
    replaced = read_page(io.BytesIO(page_of(arxiv_record(
        "2024-01-26", "2024-01-25", "<updated>2024-01-26</updated>"))), "p")
    assert replaced.results[0].record.updated == "2024-01-26T00:00:00Z"


@pytest.mark.parametrize("records, reason", [
    ('<record><metadata/></record>', "record has no header"),
    ('<record><header><identifier>x</identifier><datestamp>2024-01-01</datestamp></header>'
     '</record>', "record has no metadata"),
    (arxiv_record("2024-13-45", "2024-01-25"), "bad datestamp"),
    (arxiv_record("2024-01-26", "2024-01-25").replace("<id>2401.14034</id>", "<id>abc</id>"),
     "not an arXiv id"),
    (arxiv_record("2024-01-26", "2024-01-25").replace("<title>", "<title>").replace(
        "Unsupervised   Spatial-Temporal\n Feature Enrichment", ""), "missing title"),
    (arxiv_record("2024-01-26", "yesterday"), "bad created"),
])
def test_bad_records_are_rejected_with_their_line(records: str, reason: str) -> None:
    page = read_page(io.BytesIO(page_of(records + arxiv_record("2024-01-26", "2024-01-25"))), "p")
    assert isinstance(page.results[0], Rejection) and reason in page.results[0].reason
    assert page.results[0].origin == "p:1" and isinstance(page.results[1], Parsed)


def test_oai_errors_are_reported() -> None:
    page = read_page((PAGES / "bad_resumption_token.xml").open("rb"), "p")
    assert page.error_code == "badResumptionToken" and "invalid or expired" in page.error_message


@pytest.mark.parametrize("body, message", [
    ((PAGES / "page2_truncated.xml").read_bytes(), "malformed XML"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
     b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">&b;</OAI-PMH>', "refused XML"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">&x;</OAI-PMH>', "refused XML"),
    (b"\x00\x01 not xml", "malformed XML"),
])
def test_malformed_and_hostile_pages_raise_with_a_location(body: bytes, message: str) -> None:
    with pytest.raises(OAIPageError, match=message):
        read_page(io.BytesIO(body), "p")


def test_a_page_over_the_size_limit_is_refused() -> None:
    with pytest.raises(OAIPageError, match="larger than 5,000 bytes"):
        read_page((PAGES / "page1.xml").open("rb"), "p", max_document_bytes=5_000)


def test_saved_pages_and_feeds_are_detected_for_import() -> None:
    feeds = REPO / "tests" / "sources" / "testdata" / "rss"
    for path, expected in ((PAGES / "page1.xml", "oai-pmh"), (feeds / "cs.xml", "arxiv-rss"),
                           (feeds / "cs_atom.xml", "arxiv-rss"),
                           (REPO / "tests/formats/testdata/arxiv_atom/id_1605.08386.xml",
                            "arxiv-atom")):
        assert detect(path.read_bytes()[:65536], path.name).name == expected, path.name
    results = list(by_name("oai-pmh").parse((PAGES / "bad_resumption_token.xml").open("rb"),
                                            "p", ParseOptions()))
    assert len(results) == 1 and "badResumptionToken" in results[0].reason


def test_a_long_page_streams_in_constant_memory() -> None:
    import sys
    import tracemalloc

    from paperwire.formats.xmlstream import iter_elements
    sys.path.insert(0, str(REPO / "bench"))
    from synthetic import arxiv_raw_record, kaggle_records, list_records_page

    body = list_records_page([arxiv_raw_record(r) for r in kaggle_records(4000)], None, 0,
                             4000).encode()
    assert len(body) > 8_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_elements(io.BytesIO(body), {OAI_RECORD}))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 4000 and peak < 3_000_000  # finished records do not pile up
