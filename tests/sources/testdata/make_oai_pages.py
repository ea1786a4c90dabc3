"""How the OAI-PMH recordings here were built (run from the repository root; the output
is committed, so tests do not run this).

Real metadata (the first records of ../shared/data/arxiv-kaggle-snapshot-sample, CC0)
written in the layout of arXiv's own OAI-PMH service (arXivRaw format, as its templates
write it; the renderer is bench/synthetic.py's), split into three ListRecords pages
chained by resumption tokens, plus a deleted record, a truncated copy of page 2, a
badResumptionToken error page and a noRecordsMatch page.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, "bench")
from synthetic import OAI_HEAD, arxiv_raw_record, list_records_page  # noqa: E402

SAMPLE = Path("../shared/data/arxiv-kaggle-snapshot-sample/arxiv-metadata-oai-snapshot.first200.jsonl")
OUT = Path("tests/sources/testdata/oai")


def main() -> None:
    rows = [json.loads(line) for line in SAMPLE.read_text().splitlines()[:11]]
    records = [arxiv_raw_record(row, set_spec="physics") for row in rows]
    first = ' metadataPrefix="arXivRaw" set="physics" from="2007-01-01"'
    deleted = ("        <record>\n    <header status=\"deleted\">\n"
               "        <identifier>oai:arXiv.org:0704.0999</identifier>\n"
               "        <datestamp>2008-11-13</datestamp>\n"
               "            <setSpec>physics</setSpec>\n    </header>\n        </record>\n")
    pages = [list_records_page(records[0:4], "6960524|5", 0, 12, first),
             list_records_page(records[4:8], "6960524|9", 4, 12, ' resumptionToken="6960524|5"'),
             list_records_page(records[8:11], None, 8, 12, ' resumptionToken="6960524|9"',
                               deleted)]
    for number, text in enumerate(pages, 1):
        (OUT / f"page{number}.xml").write_text(text)
    (OUT / "page2_truncated.xml").write_text(pages[1][: len(pages[1]) * 2 // 3])
    (OUT / "bad_resumption_token.xml").write_text(
        OAI_HEAD.format(attrs="") + '    <error code="badResumptionToken">The value of the '
        "resumptionToken argument is invalid or expired.</error>\n</OAI-PMH>\n")
    (OUT / "no_records_match.xml").write_text(
        OAI_HEAD.format(attrs=first) + '    <error code="noRecordsMatch">The combination of '
        "the values of the from, until, set and metadataPrefix arguments results in an empty "
        "list.</error>\n</OAI-PMH>\n")


if __name__ == "__main__":
    main()
