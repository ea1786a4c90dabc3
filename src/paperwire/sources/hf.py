"""Hugging Face daily papers (/api/daily_papers?date=): community signals (upvotes,
comments, GitHub repo and stars, AI summary and keywords) and an "hf" day listing.

Each run reads every day from the watermark (the last day read, read again since its
counts keep growing) to today; a day whose response has not changed costs one 304.
"""

from __future__ import annotations

import io
from datetime import date

from ..config import Config
from ..formats.base import ParseOptions, Rejection
from ..formats.hf_daily import parse_api_response
from ..store.http_validators import load_validators, save_validators
from .base import Harvest, SettingsSource, day_range
from .encoding import repair_utf8
from .errors import HarvestError
from .http import Validators

UNREADABLE = ("malformed JSON document", "not valid UTF-8", "JSON object without",
              "document larger")


class HFDailySource(SettingsSource):
    name = "hf"
    url_setting = "hf_api_url"
    interval_setting = "hf_request_interval"
    description = "Hugging Face daily papers: upvotes, comments, repos, AI summaries, per day"

    def client_headers(self, config: Config) -> dict[str, str]:
        return {"Accept": "application/json"}

    def run(self, harvest: Harvest) -> None:
        start = _day(harvest.options.from_day) or harvest.first_day()
        end = _day(harvest.options.until_day) or harvest.today()
        if start > end:
            raise HarvestError(f"--from {start} is after --until {end}")
        days = day_range(start, end)
        harvest.report.expected = len(days)
        for day in days:
            self._read_day(harvest, day.isoformat())

    def _read_day(self, harvest: Harvest, day: str) -> None:
        url = f"{harvest.base_url}?date={day}"
        with harvest.db.read() as connection:
            etag, last_modified = load_validators(connection, url)
        response = harvest.client.get(harvest.base_url, {"date": day},
                                      validators=Validators(etag, last_modified))
        if response.not_modified:
            harvest.report.not_modified += 1
        elif response.status != 200:
            raise HarvestError(f"{day}: HTTP {response.status} from {response.url}: "
                               f"{response.body[:200].decode('utf-8', 'replace')!r}")
        else:
            body, repaired = repair_utf8(response.body, response.headers.get("content-type"))
            harvest.report.repaired += repaired
            options = ParseOptions(max_record_bytes=harvest.config.max_record_bytes)
            results = list(parse_api_response(io.BytesIO(body), f"hf {day}", options, day=day))
            broken = [r for r in results
                      if isinstance(r, Rejection) and r.reason.startswith(UNREADABLE)]
            if broken:
                raise HarvestError(f"{day}: the response cannot be read, nothing of it was "
                                   f"stored: {broken[0].origin}: {broken[0].reason}")
            harvest.store(results)
            with harvest.db.write() as connection:
                found = response.validators
                save_validators(connection, url, found.etag, found.last_modified, harvest.clock())
        if day > (harvest.state.watermark or ""):
            harvest.state.watermark = day
        harvest.save_state()
        harvest.page_done()


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


SOURCE = HFDailySource()
