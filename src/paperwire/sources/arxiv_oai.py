"""arXiv OAI-PMH: ListRecords per set, incremental by datestamp, resumable.

- A run asks for records changed since the watermark (inclusive: records stamped later on
  the watermark's day are fetched again rather than missed), follows resumptionToken to
  the end, and stores each page before asking for the next.
- The cursor (the next token and the request it continues) is saved after each stored
  page, so a killed run resumes where it stopped; a token the server no longer knows
  restarts the list from its `from` day. Stored pages read again change nothing.
- The watermark moves to the newest datestamp seen only when the list is complete, and
  only when the run started at or before the old watermark, so no gap can open.
- Records are selected by datestamp (when arXiv changed them), never by submission date:
  a paper announced late, or replaced years after submission, is still picked up (the
  arxiv-sanity-lite bug came from stopping at the first already-seen submission date).
"""

from __future__ import annotations

import io
import logging

from ..config import Config
from ..formats.oai_pmh import METADATA_PREFIXES, OAIPageError, read_page
from .base import Harvest, HarvestOptions, SettingsSource, split_list
from .encoding import repair_utf8
from .errors import HarvestError

log = logging.getLogger("paperwire.harvest.arxiv")


class ArxivOAISource(SettingsSource):
    name = "arxiv"
    url_setting = "arxiv_oai_url"
    interval_setting = "arxiv_request_interval"
    description = "arXiv OAI-PMH ListRecords: everything changed since the watermark, per set"

    def keys(self, config: Config, options: HarvestOptions) -> list[str]:
        return [options.key] if options.key else (split_list(config.arxiv_sets) or [""])

    def run(self, harvest: Harvest) -> None:
        prefix = harvest.config.arxiv_oai_metadata
        if prefix not in METADATA_PREFIXES:
            raise HarvestError(f"arxiv_oai_metadata is {prefix!r}; use one of "
                               f"{', '.join(METADATA_PREFIXES)}")
        request, resumed = self._plan(harvest, prefix)
        number = 0
        while True:
            number += 1
            page = self._fetch_page(harvest, request, number)
            if page.error_code == "badResumptionToken" and resumed and number == 1:
                log.warning("%s: the saved resumption token has expired; starting the list "
                            "again from %s", harvest.key, request["from"])
                request["token"], resumed = None, False
                continue
            if page.error_code and page.error_code != "noRecordsMatch":
                if page.error_code == "badResumptionToken":
                    harvest.state.cursor = None
                    harvest.save_state()
                raise HarvestError(
                    f"page {number}: OAI-PMH error {page.error_code}: {page.error_message}"
                    + ("; the next run starts the list again"
                       if page.error_code == "badResumptionToken" else ""))
            if page.complete_list_size is not None:
                harvest.report.expected = page.complete_list_size
            harvest.store(page.results)
            harvest.report.deleted += page.deleted
            if page.max_datestamp and page.max_datestamp > (request["max_datestamp"] or ""):
                request["max_datestamp"] = page.max_datestamp
            if page.token:
                request["token"] = page.token
                harvest.state.cursor = dict(request)
                harvest.save_state()
                harvest.page_done()
                continue
            self._complete(harvest, request)
            harvest.page_done()
            return

    def _plan(self, harvest: Harvest, prefix: str) -> tuple[dict, bool]:
        options, cursor = harvest.options, harvest.state.cursor
        explicit = bool(options.from_day or options.until_day)
        if cursor and cursor.get("token") and cursor.get("metadata") == prefix and (
                not explicit or (cursor.get("from") == options.from_day
                                 and cursor.get("until") == options.until_day)):
            return dict(cursor), True
        return {"from": options.from_day or harvest.first_day().isoformat(),
                "until": options.until_day, "token": None, "max_datestamp": None,
                "metadata": prefix}, False

    def _fetch_page(self, harvest: Harvest, request: dict, number: int):  # noqa: ANN202
        if request["token"]:
            params = {"verb": "ListRecords", "resumptionToken": request["token"]}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": request["metadata"],
                      "from": request["from"]}
            if request["until"]:
                params["until"] = request["until"]
            if harvest.key:
                params["set"] = harvest.key
        response = harvest.client.get(harvest.base_url, params)
        if response.status != 200:
            raise HarvestError(f"page {number}: HTTP {response.status} from {response.url}: "
                               f"{response.body[:200].decode('utf-8', 'replace')!r}")
        body, repaired = repair_utf8(response.body, xml=True)
        harvest.report.repaired += repaired
        name = f"oai {harvest.key or 'all'} page {number}"
        try:
            return read_page(io.BytesIO(body), name,
                             max_document_bytes=harvest.config.http_max_response_bytes)
        except OAIPageError as exc:
            raise HarvestError(f"page {number} cannot be read ({exc}); nothing of it was "
                               "stored, and the next run asks for it again") from None

    def _complete(self, harvest: Harvest, request: dict) -> None:
        state = harvest.state
        contiguous = state.watermark is None or request["from"] <= state.watermark
        newest = request["max_datestamp"]
        if contiguous and newest and newest > (state.watermark or ""):
            state.watermark = newest
        state.cursor = None
        harvest.save_state()


SOURCE = ArxivOAISource()
