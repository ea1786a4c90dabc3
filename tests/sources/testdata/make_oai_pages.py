"""How the OAI-PMH recordings here were built (run from the repository root; the output
is committed, so tests do not run this).

Real metadata (the first records of ../shared/data/arxiv-kaggle-snapshot-sample, CC0)
written in the layout of arXiv's own OAI-PMH service (arXivRaw format, as its templates
write it), split into three ListRecords pages chained by resumption tokens, plus a
deleted record, a truncated copy of page 2 and a badResumptionToken error page.
"""

import json
from pathlib import Path
from xml.sax.saxutils import escape

SAMPLE = Path("../shared/data/arxiv-kaggle-snapshot-sample/arxiv-metadata-oai-snapshot.first200.jsonl")
OUT = Path("tests/sources/testdata/oai")
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ '
        'http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
        '    <responseDate>2024-01-27T17:53:42Z</responseDate>\n'
        '    <request verb="ListRecords"{attrs}>https://oaipmh.arxiv.org/oai</request>\n')


def record(data: dict) -> str:
    versions = "".join(
        f'            <version version="{v["version"]}">\n'
        f'                <date>{v["created"]}</date>\n'
        f'                <size>{100 + i * 7}kb</size>\n'
        f'                <source_type>D</source_type>\n'
        f'            </version>\n' for i, v in enumerate(data["versions"]))
    optional = "".join(
        f"            <{tag}>{escape(data[key])}</{tag}>\n"
        for tag, key in (("comments", "comments"), ("report-no", "report-no"),
                         ("journal-ref", "journal-ref"), ("doi", "doi"), ("license", "license"))
        if data.get(key))
    return (
        "        <record>\n"
        "    <header>\n"
        f"        <identifier>oai:arXiv.org:{data['id']}</identifier>\n"
        f"        <datestamp>{data['update_date']}</datestamp>\n"
        f"            <setSpec>{data['categories'].split()[0].split('.')[0].split('-')[0]}</setSpec>\n"
        "    </header>\n"
        "            <metadata>\n"
        '    <arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://arxiv.org/OAI/arXivRaw/ http://arxiv.org/OAI/arXivRaw.xsd">\n'
        f"        <id>{data['id']}</id>\n"
        f"        <submitter>{escape(data['submitter'] or '')}</submitter>\n"
        f"{versions}"
        f"        <title>{escape(data['title'])}</title>\n"
        f"        <authors>{escape(data['authors'])}</authors>\n"
        f"        <categories>{data['categories']}</categories>\n"
        f"{optional}"
        f"        <abstract>{escape(data['abstract'])}</abstract>\n"
        "    </arXivRaw>\n"
        "            </metadata>\n"
        "        </record>\n")


def page(records: list[dict], token: str, cursor: int, total: int, attrs: str,
         extra: str = "") -> str:
    token_xml = (f"        <resumptionToken cursor=\"{cursor}\" completeListSize=\"{total}\">"
                 f"{token}</resumptionToken>\n" if token else
                 f"        <resumptionToken cursor=\"{cursor}\" completeListSize=\"{total}\"/>\n")
    return (HEAD.format(attrs=attrs) + "    <ListRecords>\n" + "".join(map(record, records))
            + extra + token_xml + "    </ListRecords>\n</OAI-PMH>\n")


def main() -> None:
    rows = [json.loads(line) for line in SAMPLE.read_text().splitlines()[:11]]
    first = ' metadataPrefix="arXivRaw" set="physics" from="2007-01-01"'
    deleted = ("        <record>\n    <header status=\"deleted\">\n"
               "        <identifier>oai:arXiv.org:0704.0999</identifier>\n"
               "        <datestamp>2008-11-13</datestamp>\n"
               "            <setSpec>physics</setSpec>\n    </header>\n        </record>\n")
    pages = [page(rows[0:4], "6960524|5", 0, 12, first),
             page(rows[4:8], "6960524|9", 4, 12, ' resumptionToken="6960524|5"'),
             page(rows[8:11], "", 8, 12, ' resumptionToken="6960524|9"', deleted)]
    for number, text in enumerate(pages, 1):
        (OUT / f"page{number}.xml").write_text(text)
    (OUT / "page2_truncated.xml").write_text(pages[1][: len(pages[1]) * 2 // 3])
    (OUT / "bad_resumption_token.xml").write_text(
        HEAD.format(attrs="") + '    <error code="badResumptionToken">The value of the '
        "resumptionToken argument is invalid or expired.</error>\n</OAI-PMH>\n")
    (OUT / "no_records_match.xml").write_text(
        HEAD.format(attrs=first) + '    <error code="noRecordsMatch">The combination of the '
        "values of the from, until, set and metadataPrefix arguments results in an empty "
        "list.</error>\n</OAI-PMH>\n")


if __name__ == "__main__":
    main()
