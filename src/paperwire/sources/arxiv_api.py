"""arXiv API (Atom): look up given ids, in batches (submissions, claims, single refreshes).

Ids that are not arXiv ids are rejected before any request. An id the API does not know
comes back as no entry and is reported missing. A batch the API refuses with HTTP 400 is
split in halves until the refused id is alone, and reported with the API's message.
"""

from __future__ import annotations

import io

from .. import ids
from ..config import Config
from ..formats.arxiv_atom import parse_atom_feed
from ..formats.base import ParseOptions, Parsed, ParseResult, Rejection
from ..store import Database
from .base import Harvest, HarvestOptions, HarvestReport, SettingsSource, run_harvest
from .encoding import repair_utf8
from .errors import HarvestError


class ArxivAPISource(SettingsSource):
    name = "arxiv-api"
    url_setting = "arxiv_api_url"
    interval_setting = "arxiv_request_interval"
    description = "arXiv API (Atom): the papers with the given ids (--id), in batches"

    def run(self, harvest: Harvest) -> None:
        if not harvest.options.ids:
            raise HarvestError("arxiv-api looks up given ids: pass them with --id")
        wanted: dict[str, str] = {}  # id without version -> id as asked (version kept)
        for raw in harvest.options.ids:
            try:
                key, version = ids.parse_arxiv_id(raw)
            except ids.InvalidId as exc:
                harvest.reject(f"id {raw.strip()[:60]!r}", str(exc))
                continue
            wanted.setdefault(key, f"{key}v{version}" if version else key)
        batch_size = harvest.config.arxiv_api_batch_size
        batches = [list(wanted.values())[i:i + batch_size]
                   for i in range(0, len(wanted), batch_size)]
        harvest.report.expected = len(wanted)
        while batches:
            batch = batches.pop(0)
            results, refused = self._lookup(harvest, batch)
            if refused is not None:
                if len(batch) == 1:
                    harvest.reject(f"id {batch[0]}", f"arXiv API refused it: {refused}")
                else:
                    half = len(batch) // 2
                    batches[:0] = [batch[:half], batch[half:]]
                harvest.page_done()
                continue
            found = {r.record.arxiv_id for r in results if isinstance(r, Parsed)}
            harvest.store(results)
            for asked in batch:
                if ids.parse_arxiv_id(asked)[0] not in found:
                    harvest.reject(f"id {asked}", "no such paper on arXiv")
            harvest.page_done()

    def _lookup(self, harvest: Harvest, batch: list[str]
                ) -> tuple[list[ParseResult], str | None]:
        """(parse results, None), or ([], the API's message) when it refused the batch."""
        response = harvest.client.get(harvest.base_url, {
            "id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))})
        body, repaired = repair_utf8(response.body, xml=True)
        harvest.report.repaired += repaired
        name = f"arxiv-api {','.join(batch)[:80]}"
        if response.status == 400:
            messages = [r.reason for r in parse_atom_feed(io.BytesIO(body), name, ParseOptions())
                        if isinstance(r, Rejection)]
            return [], "; ".join(messages) or "HTTP 400"
        if response.status != 200:
            raise HarvestError(f"HTTP {response.status} from {response.url}")
        results = list(parse_atom_feed(io.BytesIO(body), name, ParseOptions(),
                                       max_document_bytes=harvest.config.http_max_response_bytes))
        unreadable = [r for r in results if isinstance(r, Rejection)
                      and r.reason.startswith(("malformed XML", "refused XML", "document larger"))]
        if unreadable:
            raise HarvestError(f"the response for {','.join(batch)[:80]} cannot be read: "
                               f"{unreadable[0].origin}: {unreadable[0].reason}")
        return results, None


SOURCE = ArxivAPISource()


def lookup_ids(db: Database, config: Config, arxiv_ids: list[str]) -> HarvestReport:
    """Fetch and store the given papers now (a submission, a claim, a refresh). The report
    lists the ids that are malformed or unknown to arXiv among its rejections."""
    [report] = run_harvest(db, config, SOURCE, HarvestOptions(ids=list(arxiv_ids)))
    return report
