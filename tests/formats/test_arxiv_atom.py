"""arXiv API Atom responses."""

from __future__ import annotations

import io
import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperwire.formats import ParseOptions, Parsed, Rejection, detect
from paperwire.formats.arxiv_atom import FORMAT, parse_atom_feed
from paperwire.formats.inputs import SNIFF_BYTES
from paperwire.records import Version

TESTDATA = Path(__file__).parent / "testdata"
ATOM_DIR = TESTDATA / "arxiv_atom"
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ATOM_DATA = DATA / "arxiv-api-atom-arxivpy"

FEED_START = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
              '  <title>arXiv Query: test</title>\n')


def parse(data: bytes, name: str = "feed.xml"):
    return list(FORMAT.parse(io.BytesIO(data), name, ParseOptions()))


def fixture(name: str) -> bytes:
    return (ATOM_DIR / name).read_bytes()


def entry(*, id="http://arxiv.org/abs/2401.00001v1", title="A title", summary="An abstract.",
          published="2024-01-02T03:04:05Z", updated="2024-01-02T03:04:05Z", extra="") -> str:
    return (f"  <entry>\n    <id>{id}</id>\n    <title>{title}</title>\n"
            f"    <summary>{summary}</summary>\n    <published>{published}</published>\n"
            f"    <updated>{updated}</updated>\n{extra}  </entry>\n")


def feed(*entries: str) -> bytes:
    return (FEED_START + "".join(entries) + "</feed>\n").encode()


# --- valid input -------------------------------------------------------------------------

def test_new_style_id_feed():
    results = parse(fixture("id_1605.08386.xml"), "q.xml")
    (result,) = results
    paper = result.record
    assert result.origin == "q.xml:10"
    assert paper.arxiv_id == "1605.08386"
    assert paper.title == "Heat-bath random walks with Markov bases"
    assert paper.abstract.startswith("Graphs on lattice points are studied")
    assert paper.authors == ["Caprice Stanley", "Tobias Windisch"]
    assert paper.categories == ["math.CO", "math.ST"]
    assert paper.published == "2016-05-26T17:59:46Z"
    assert paper.versions == [Version(1, "2016-05-26T17:59:46Z")]
    assert paper.comments == "20 pages, 3 figures"
    assert paper.pdf_url == "https://arxiv.org/pdf/1605.08386v1"
    assert paper.doi is None and paper.journal_ref is None and paper.listings == []


def test_legacy_feed_with_second_version_doi_and_journal_ref():
    (result,) = parse(fixture("legacy_id_1111.2011v2.xml"))
    paper = result.record
    assert paper.arxiv_id == "1111.2011"
    assert paper.title == ("Quantum Criticality for Extended Nodes on a Bethe Lattice in the "
                           "Large Connectivity Limit")
    assert paper.versions == [Version(1, "2011-11-08T18:48:36Z"), Version(2, "2012-04-02T12:38:54Z")]
    assert paper.published == "2011-11-08T18:48:36Z" and paper.updated == "2012-04-02T12:38:54Z"
    assert paper.doi == "10.1103/physrevb.85.115117"
    assert paper.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert paper.categories == ["cond-mat.str-el", "cond-mat.stat-mech"]
    assert paper.pdf_url == "http://arxiv.org/pdf/1111.2011v2"
    assert paper.abstract.startswith("Theoretical description of anisotropic systems, such as layered "
                                     "superconductors")


def test_old_style_id_and_affiliations_are_not_names():
    paper = parse(fixture("id_astro-ph_0601001.xml"))[0].record
    assert paper.arxiv_id == "astro-ph/0601001"
    assert paper.authors == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"
    assert paper.categories == ["astro-ph"]
    assert "V_max<17.5" in paper.abstract  # entities decoded


def test_api_error_entry_is_a_rejection():
    assert parse(fixture("id_abc.xml"), "abc.xml") == [
        Rejection("abc.xml:9", "arXiv API error: incorrect id format for abc")]


def test_feed_without_entries_yields_nothing():
    assert parse(fixture("id_0000.0000_empty.xml")) == []


def test_primary_category_first_and_class_codes_dropped():
    categories = ('    <category term="cs.LG"/>\n    <category term="I.2.6; I.5.1"/>\n'
                  '    <category term="68T05"/>\n    <category term="stat.ML"/>\n'
                  '    <arxiv:primary_category term="stat.ML"/>\n')
    paper = parse(feed(entry(extra=categories)))[0].record
    assert paper.categories == ["stat.ML", "cs.LG"]


def test_pdf_link_found_by_type_alone():
    link = '    <link href="https://arxiv.org/pdf/2401.00001v1" rel="related" type="application/pdf"/>\n'
    assert parse(feed(entry(extra=link)))[0].record.pdf_url == "https://arxiv.org/pdf/2401.00001v1"


def test_declared_latin1_document_is_decoded():
    document = feed(entry(title="Caf\u00e9 physics")).decode().replace('encoding="UTF-8"',
                                                                       'encoding="ISO-8859-1"')
    (result,) = parse(document.encode("latin-1"))
    assert result.record.title == "Caf\u00e9 physics"


def test_parse_atom_feed_is_the_format_parser():
    data = fixture("legacy_id_1111.2011v2.xml")
    assert list(parse_atom_feed(io.BytesIO(data), "f.xml", ParseOptions())) == parse(data, "f.xml")


@pytest.mark.parametrize("folder", ["recorded_2026_bodies", "legacy_2016_xml"])
def test_all_real_bodies(folder):
    directory = ATOM_DATA / folder
    if not directory.exists():
        pytest.skip(f"real data not available at {directory}")
    parsed = rejected = 0
    for path in sorted(directory.glob("*.xml")):
        assert detect(path.read_bytes()[:SNIFF_BYTES], path.name) is FORMAT, path.name
        for result in parse(path.read_bytes(), path.name):
            if isinstance(result, Parsed):
                parsed += 1
                assert result.record.arxiv_id and result.record.title and result.record.authors
            else:
                rejected += 1
                assert result == Rejection(
                    "id_abc_s0_m100_b79c8dcf6bc3.xml:9",
                    "arXiv API error: incorrect id format for abc")
    assert (parsed, rejected) == {"recorded_2026_bodies": (221, 1), "legacy_2016_xml": (24, 0)}[folder]


# --- sniffing ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name for p in ATOM_DIR.glob("*.xml")))
def test_atom_samples_are_detected(name):
    assert detect(fixture(name), name) is FORMAT


@pytest.mark.parametrize("path", ["hf_api/2024-05-27.json", "hf_daily_first3.jsonl",
                                  "listing_first10.txt"])
def test_atom_does_not_claim_other_samples(path):
    assert not FORMAT.sniff((TESTDATA / path).read_bytes(), path)


def test_json_wrapped_atom_body_is_not_claimed():
    wrapper = json.dumps({"url": "https://export.arxiv.org/api/query", "status_code": 200,
                          "body": fixture("id_1605.08386.xml").decode()}, indent=2).encode()
    assert not FORMAT.sniff(wrapper, "q.json")


def test_other_atom_feeds_and_oai_pmh_are_not_claimed():
    blog = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title></feed>'
    assert not FORMAT.sniff(blog, "blog.xml")
    oai = DATA / "oai-pmh-arxiv-listrecords-atomiklabs" / "test_arxiv_data.xml"
    if oai.exists():
        assert not FORMAT.sniff(oai.read_bytes()[:SNIFF_BYTES], oai.name)


# --- invalid and hostile input -----------------------------------------------------------

def test_truncated_document_keeps_complete_entries_then_stops_with_a_rejection():
    data = fixture("legacy_id_1111.2011v2.xml")
    two = data.replace(b"</feed>", data[data.index(b"  <entry>"):data.index(b"</feed>")] + b"</feed>")
    cut = two[:two.rindex(b"<summary>") + 30]
    results = parse(cut, "cut.xml")
    assert isinstance(results[0], Parsed) and len(results) == 2
    last_line = cut.count(b"\n") + 1
    assert results[1].origin == f"cut.xml:{last_line}"
    assert results[1].reason.startswith("malformed XML")


def test_malformed_markup_is_rejected_at_its_line():
    document = feed(entry(), entry(title="broken <b>tag"), entry())
    results = parse(document, "bad.xml")
    bad_line = document.decode().split("\n").index("    <title>broken <b>tag</title>") + 1
    # Reading stops at the error: nothing after it is reported as parsed.
    assert all(isinstance(r, Parsed) for r in results[:-1]) and len(results) <= 2
    assert results[-1].origin == f"bad.xml:{bad_line}"
    assert "mismatched tag" in results[-1].reason


def test_undeclared_latin1_bytes_are_rejected_at_their_line():
    document = feed(entry(), entry(title="Caf\u00e9")).decode().encode("latin-1")
    results = parse(document, "l1.xml")
    line = document[:document.index(b"Caf\xe9")].count(b"\n") + 1
    assert results[-1].origin == f"l1.xml:{line}" and "malformed XML" in results[-1].reason


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE feed [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>
<title>&lol9;</title></entry></feed>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>
<title>&xxe;</title><summary>arxiv</summary></entry></feed>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_attacks_are_refused(document):
    assert parse(document, "evil.xml") == [
        Rejection("evil.xml:2", "refused XML construct: DTDForbidden")]


@pytest.mark.parametrize("fields, reason", [
    ({"title": "   "}, "missing title"),
    ({"id": "http://example.com/abs/foo"}, "not an arXiv id: 'http://example.com/abs/foo'"),
    ({"id": ""}, "entry has no id"),
    ({"published": "yesterday"}, "bad published: 'yesterday'"),
    ({"updated": "2024-02-30T00:00:00Z"}, "bad updated: '2024-02-30T00:00:00Z'"),
    ({"summary": "x" * 20_001}, "abstract is longer than 20,000 characters"),
    ({"title": "t" * 1_001}, "title is longer than 1,000 characters"),
])
def test_bad_entries_are_rejected_at_their_line(fields, reason):
    document = feed(entry(), entry(**fields), entry())
    results = parse(document, "f.xml")
    assert [type(r).__name__ for r in results] == ["Parsed", "Rejection", "Parsed"]
    second_entry = [n for n, line in enumerate(document.decode().split("\n"), 1)
                    if line == "  <entry>"][1]
    assert results[1] == Rejection(f"f.xml:{second_entry}", reason)


def test_deeply_nested_unknown_elements_do_not_break_the_entry():
    nested = "    " + "<x>" * 50_000 + "</x>" * 50_000 + "\n"
    (result,) = parse(feed(entry(extra=nested)))
    assert result.record.title == "A title"


def test_document_over_the_size_cap_stops_with_a_rejection():
    document = feed(*[entry()] * 2000)
    results = list(parse_atom_feed(io.BytesIO(document), "big.xml", ParseOptions(),
                                   max_document_bytes=200_000))
    *parsed, rejection = results
    assert parsed and all(isinstance(r, Parsed) for r in parsed)
    line = int(rejection.origin.rsplit(":", 1)[1])
    assert rejection.reason == "document larger than 200,000 bytes"
    assert 1 < line <= document[:200_000].count(b"\n") + 1


def test_not_xml_at_all():
    (rejection,) = parse(b"\n\nthis is not xml", "t.xml")
    assert rejection.origin == "t.xml:3" and rejection.reason.startswith("malformed XML")


# --- property ----------------------------------------------------------------------------

_words = st.lists(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S")),
                          min_size=1, max_size=10), min_size=1, max_size=12).map(" ".join)
_paper = st.fixed_dictionaries({
    "number": st.integers(min_value=1, max_value=99_999),
    "version": st.integers(min_value=1, max_value=9),
    "title": _words, "summary": _words,
    "authors": st.lists(_words, max_size=4),
    "blank_lines": st.integers(min_value=0, max_value=3),
})


@settings(max_examples=50, deadline=None)
@given(papers=st.lists(_paper, max_size=6))
def test_rendered_entries_come_back(papers):
    text, starts = FEED_START, []
    for paper in papers:
        text += "\n" * paper["blank_lines"]
        starts.append(text.count("\n") + 1)
        authors = "".join(f"    <author><name>{escape(a)}</name></author>\n" for a in paper["authors"])
        text += entry(id=f"http://arxiv.org/abs/2401.{paper['number']:05d}v{paper['version']}",
                      title=escape(paper["title"]), summary=escape(paper["summary"]),
                      updated="2024-03-04T05:06:07Z",
                      extra=authors)
    results = parse((text + "</feed>").encode(), "p.xml")
    assert [r.origin for r in results] == [f"p.xml:{n}" for n in starts]
    for paper, result in zip(papers, results):
        record = result.record
        assert record.arxiv_id == f"2401.{paper['number']:05d}"
        assert record.title == paper["title"] and record.abstract == paper["summary"]
        assert record.authors == paper["authors"]
        assert record.latest_version == paper["version"]
        assert record.versions[0] == Version(1, "2024-01-02T03:04:05Z")
