"""arxiv-api lookups replayed from the real recorded API responses (arxiv.py's fixtures)."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from werkzeug import Request, Response

from paperwire.sources.arxiv_api import lookup_ids
from paperwire.store import Database
from paperwire.store.papers import get_paper

from ..conftest import shared_data
from .replay import Replay

ENTRY = re.compile(r"<entry>.*?</entry>", re.DOTALL)
BAD_ON_SERVER = "quant-ph/0201082v9"  # passes our check; the replayed API refuses it


def recorded_api(replay: Replay) -> None:
    folder = shared_data("arxiv-api-atom-arxivpy", "recorded_2026")
    by_ids: dict[str, dict] = {}
    for path in folder.glob("id_*.json"):
        data = json.loads(path.read_text())
        id_list = parse_qs(urlsplit(data["url"]).query)["id_list"][0]
        by_ids[id_list] = data
    refusal = by_ids["abc"]
    # What arXiv answers for an id it does not know (recorded for 0808.05394): no entry.
    unknown = by_ids["0808.05394"]

    def combined(asked: list[str]) -> dict:
        """A batch nobody recorded: arXiv's answer is the entries of each id's own answer."""
        entries = [ENTRY.findall(by_ids[one]["body"]) if one in by_ids else [] for one in asked]
        head, tail = unknown["body"].split("</feed>")[0], "</feed>\n"
        return {"status_code": 200, "body": head + "".join(sum(entries, [])) + tail}

    def handler(request: Request) -> Response:
        id_list = request.args.get("id_list", "")
        if BAD_ON_SERVER in id_list.split(","):
            body = refusal["body"].replace("abc", BAD_ON_SERVER)
            return Response(body, status=400, content_type="application/atom+xml")
        data = by_ids.get(id_list) or combined(id_list.split(","))
        return Response(data["body"], status=data["status_code"],
                        content_type="application/atom+xml")

    replay.on("/api/query", handler)


def reasons(report) -> dict[str, str]:  # noqa: ANN001
    return {r.origin: r.reason for r in report.rejections}


def test_lookups_store_found_papers_and_report_missing_and_malformed_ids(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    recorded_api(replay)
    config = make_config(db_url, arxiv_api_batch_size=1)
    asked = ["1605.08386", "1707.08567", "2104.12255v1", "quant-ph/0201082v1",
             "astro-ph/0601001", "2401.99999", "0808.05394", "abc", "0000.0000"]
    report = lookup_ids(db, config, asked)
    assert report.status == "ok" and report.exit_code == 1
    assert (report.new, report.rejected) == (5, 4)
    found = reasons(report)
    assert found["id 2401.99999"] == "no such paper on arXiv"
    assert "not an arXiv id" in found["id 'abc'"] and "month 00" in found["id '0000.0000'"]
    assert "have 4 digits" in found["id '0808.05394'"]
    asked_on_the_wire = [hit.args["id_list"] for hit in replay.hits]
    assert not {"abc", "0000.0000", "0808.05394"} & set(asked_on_the_wire)
    assert len(asked_on_the_wire) == 6 and asked_on_the_wire[2] == "2104.12255v1"
    with db.read() as connection:
        paper = get_paper(connection, "quant-ph/0201082").record
    assert paper.arxiv_id == "quant-ph/0201082" and paper.versions[0].version == 1
    again = lookup_ids(db, config, ["1605.08386"])
    assert (again.new, again.unchanged) == (0, 1)


def test_ids_are_batched(db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    recorded_api(replay)
    report = lookup_ids(db, make_config(db_url, arxiv_api_batch_size=100),
                        ["2401.99999", "1707.08567"])
    assert [hit.args["id_list"] for hit in replay.hits] == ["2401.99999,1707.08567"]
    assert replay.hits[0].args["max_results"] == "2"
    assert (report.new, report.rejected, report.pages) == (1, 1, 1)


def test_a_batch_refused_with_400_is_split_until_the_bad_id_is_alone(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    recorded_api(replay)
    report = lookup_ids(db, make_config(db_url, arxiv_api_batch_size=2),
                        ["1605.08386", BAD_ON_SERVER])
    assert [hit.args["id_list"] for hit in replay.hits] == [
        f"1605.08386,{BAD_ON_SERVER}", "1605.08386", BAD_ON_SERVER]
    assert report.status == "ok" and report.new == 1
    assert reasons(report) == {f"id {BAD_ON_SERVER}": "arXiv API refused it: arXiv API error: "
                               f"incorrect id format for {BAD_ON_SERVER}"}
