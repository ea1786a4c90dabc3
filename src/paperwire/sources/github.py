"""GitHub stars of the repositories papers name: a history of observations (for stars
gained per hour) and the papers' current count. Least recently checked first; 304s (free
against the rate limit) for unchanged repositories; rate-limit headers honoured."""

from __future__ import annotations

import re

import orjson

from ..config import Config
from ..records import RecordError, clean_count
from ..store.github_stars import last_observation, record_stars, repos_to_refresh
from ..store.http_validators import load_validators, save_validators
from .base import Harvest, SettingsSource
from .errors import HarvestError
from .http import Validators

_REPO = re.compile(r"^https?://(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/"
                   r"([A-Za-z0-9._-]{1,100})(?:/.*)?$", re.IGNORECASE)
GONE = (404, 410, 451)


def repo_path(url: str) -> str | None:
    """'https://github.com/Owner/Name.git' -> 'Owner/Name'; None for anything else."""
    match = _REPO.match(url.strip())
    if not match:
        return None
    name = match.group(2).removesuffix(".git")
    return None if name in ("", ".", "..") else f"{match.group(1)}/{name}"


class GitHubStarsSource(SettingsSource):
    name = "github"
    url_setting = "github_api_url"
    interval_setting = "github_request_interval"
    description = "GitHub stars of the repositories papers name, with a stars history"

    def client_headers(self, config: Config) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if config.github_token:
            headers["Authorization"] = f"Bearer {config.github_token}"
        return headers

    def run(self, harvest: Harvest) -> None:
        with harvest.db.read() as connection:
            repos = repos_to_refresh(connection, harvest.config.github_repos_per_run)
        harvest.report.expected = len(repos)
        for repo in repos:
            self._refresh(harvest, repo)
            harvest.page_done()
        harvest.state.watermark = harvest.clock()
        harvest.save_state()

    def _refresh(self, harvest: Harvest, repo: str) -> None:
        path = repo_path(repo)
        if path is None:
            harvest.reject(repo[:200], "not a GitHub repository URL")
            return
        url = f"{harvest.base_url.rstrip('/')}/repos/{path}"
        with harvest.db.read() as connection:
            etag, last_modified = load_validators(connection, url)
        response = harvest.client.get(url, validators=Validators(etag, last_modified))
        report = harvest.report
        if response.status in GONE:
            harvest.reject(repo, f"repository not found on GitHub (HTTP {response.status})")
            return
        if response.not_modified:
            with harvest.db.write() as connection:
                last = last_observation(connection, repo)
                if last is not None:
                    record_stars(connection, repo, last[1], harvest.clock())
            report.fetched += 1
            report.not_modified += 1
            report.unchanged += 1
            return
        if response.status != 200:
            raise HarvestError(f"HTTP {response.status} from {response.url}")
        try:
            stars = clean_count(orjson.loads(response.body).get("stargazers_count"),
                                "stargazers_count")
        except (orjson.JSONDecodeError, AttributeError, RecordError) as exc:
            harvest.reject(repo, f"unexpected answer from GitHub: {exc}")
            return
        if stars is None:
            harvest.reject(repo, "GitHub's answer has no stargazers_count")
            return
        with harvest.db.write() as connection:
            changed = record_stars(connection, repo, stars, harvest.clock())
            found = response.validators
            save_validators(connection, url, found.etag, found.last_modified, harvest.clock())
        report.fetched += 1
        if changed:
            report.updated += changed
        else:
            report.unchanged += 1


SOURCE = GitHubStarsSource()
