"""arXiv's new-submissions feeds, per archive or category: "today's new papers" between
OAI-PMH harvests. Conditional requests make an unchanged feed cost one 304."""

from __future__ import annotations

import io

from ..config import Config
from ..formats.arxiv_rss import parse_listing_feed
from ..formats.base import Parsed, ParseOptions, Rejection
from ..store.http_validators import load_validators, save_validators
from .base import Harvest, HarvestOptions, SettingsSource, split_list
from .encoding import repair_utf8
from .errors import HarvestError
from .http import Validators

UNREADABLE = ("malformed XML", "refused XML", "document larger")


class ArxivRSSSource(SettingsSource):
    name = "arxiv-rss"
    url_setting = "arxiv_rss_url"
    interval_setting = "arxiv_request_interval"
    description = "arXiv new-submissions feeds (RSS): today's announcements, per feed"

    def keys(self, config: Config, options: HarvestOptions) -> list[str]:
        return [options.key] if options.key else split_list(config.arxiv_rss_feeds)

    def run(self, harvest: Harvest) -> None:
        if not harvest.key:
            raise HarvestError("no feed to read: set arxiv_rss_feeds or pass --set")
        url = f"{harvest.base_url.rstrip('/')}/{harvest.key}"
        with harvest.db.read() as connection:
            etag, last_modified = load_validators(connection, url)
        response = harvest.client.get(url, validators=Validators(etag, last_modified))
        if response.not_modified:
            harvest.report.not_modified += 1
            harvest.page_done()
            return
        if response.status != 200:
            raise HarvestError(f"HTTP {response.status} from {response.url}")
        body, repaired = repair_utf8(response.body, xml=True)
        harvest.report.repaired += repaired
        results = list(parse_listing_feed(
            io.BytesIO(body), f"arxiv-rss {harvest.key}", ParseOptions(),
            max_document_bytes=harvest.config.http_max_response_bytes))
        broken = [r for r in results if isinstance(r, Rejection) and r.reason.startswith(UNREADABLE)]
        if broken:
            raise HarvestError(f"the feed cannot be read, nothing of it was stored: "
                               f"{broken[0].origin}: {broken[0].reason}")
        harvest.store(results)
        days = [x.day for r in results if isinstance(r, Parsed) for x in r.record.listings]
        if days and max(days) > (harvest.state.watermark or ""):
            harvest.state.watermark = max(days)
        with harvest.db.write() as connection:
            save_validators(connection, url, *_validators(response), harvest.clock())
        harvest.save_state()
        harvest.page_done()


def _validators(response) -> tuple[str | None, str | None]:  # noqa: ANN001
    found = response.validators
    return found.etag, found.last_modified


SOURCE = ArxivRSSSource()
