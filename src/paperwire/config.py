"""Settings: each has a name, a type, a default and a help line.

Precedence, lowest first: default < paperwire.toml < environment (PAPERWIRE_*) < explicit
overrides (CLI flags). Secrets are read from the environment only; a secret found in a
TOML file is refused, so that config files can be shared without leaking credentials.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

import platformdirs

APP_NAME = "paperwire"
ENV_PREFIX = "PAPERWIRE_"


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the setting and source."""


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _parse_positive_int(raw: str) -> int:
    value = int(str(raw).strip())
    if value < 1:
        raise ValueError(f"must be at least 1, got {value}")
    return value


def _parse_non_negative_float(raw: str) -> float:
    value = float(str(raw).strip())
    if value < 0:
        raise ValueError(f"must be at least 0, got {value}")
    return value


def _parse_str(raw: str) -> str:
    return str(raw)


def _one_of(*allowed: str) -> Callable[[str], str]:
    """A parser for a setting that takes one of a few words."""
    def parse(raw: str) -> str:
        value = str(raw).strip().lower()
        if value not in allowed:
            names = [repr(a) for a in allowed]
            raise ValueError(f"expected {', '.join(names[:-1])} or {names[-1]}, got {raw!r}")
        return value
    return parse


def _parse_share(raw: str) -> float:
    value = float(str(raw).strip())
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"must be between 0 and 1, got {value}")
    return value


def _parse_rate(raw: str) -> str:
    count, slash, seconds = str(raw).strip().partition("/")
    if not slash or not count.isdigit() or not seconds.isdigit() or int(count) < 1 \
            or int(seconds) < 1:
        raise ValueError(f"expected HITS/SECONDS such as 5/600, got {raw!r}")
    return f"{int(count)}/{int(seconds)}"


def _parse_smtp_url(raw: str) -> str:
    value = str(raw).strip()
    if value and urlsplit(value).scheme not in {"smtp", "smtps"}:
        raise ValueError("expected smtp://[user:pass@]host[:port][?starttls=true] or "
                         f"smtps://…, got scheme {urlsplit(value).scheme!r}")
    if value and not urlsplit(value).hostname:
        raise ValueError("no host in the SMTP URL")
    return value


PARSERS: dict[str, Callable[[str], Any]] = {
    "vector_backend": _one_of("auto", "pgvector", "in-process"),
    "smtp_url": _parse_smtp_url,
    "rate": _parse_rate,
    "str": _parse_str,
    "bool": _parse_bool,
    "int": _parse_positive_int,
    "float": _parse_non_negative_float,
    "log_format": _one_of("text", "json"),
    "fusion": _one_of("convex", "rrf"),
    "share": _parse_share,
    "builder": _one_of("serve", "command"),
}


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: str = "str"
    secret: bool = False

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name.upper()

    def parse(self, raw: Any) -> Any:
        if raw is None:
            return None
        if self.kind != "str" and not isinstance(raw, str):
            raw = str(raw).lower() if isinstance(raw, bool) else str(raw)
        return PARSERS[self.kind](raw)


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


SETTINGS: list[Setting] = [
    Setting("data_dir", "", "Folder for the embedded database, outbox and caches "
            "(default: the platform's user data folder)."),
    Setting("database_url", "", "SQLAlchemy URL of the database: sqlite:///path.db or "
            "postgresql+psycopg://user:pass@host/db (default: paperwire.db in data_dir).",
            secret=True),
    Setting("import_batch_size", 2000, "Records written per transaction during imports.",
            kind="int"),
    Setting("max_record_bytes", 4_000_000, "Longest single input record (line or JSON "
            "document) an importer accepts, in bytes.", kind="int"),
    Setting("host", "127.0.0.1", "Address the web server binds to."),
    Setting("port", 8000, "Port the web server listens on.", kind="int"),
    Setting("base_url", "http://127.0.0.1:8000", "Public address used in links and emails."),
    Setting("secret_key", "", "Key that signs sessions and links (set it in production; "
            "a random per-install key is generated in data_dir otherwise).", secret=True),
    Setting("log_format", "text", "Log output: 'text' or 'json'.", kind="log_format"),
    Setting("demo_on_empty", True, "Load the bundled demo papers when `serve` starts on "
            "an empty database.", kind="bool"),
    # --- live sources (harvest) ---
    Setting("harvest_contact", "", "Contact (email or URL) sent in the User-Agent of every "
            "outside request, as arXiv asks of harvesters."),
    Setting("harvest_sources", "arxiv,arxiv-rss", "Sources that `serve` harvests on a "
            "schedule, separated by commas (arxiv, arxiv-rss, hf, github)."),
    Setting("harvest_first_days", 3, "How many days back the first harvest of a source "
            "starts (later runs continue from the watermark).", kind="int"),
    Setting("jobs_enabled", True, "Run the scheduled harvests inside `paperwire serve`.",
            kind="bool"),
    Setting("http_connect_timeout", 10.0, "Seconds to wait for an outside server to accept "
            "a connection.", kind="float"),
    Setting("http_read_timeout", 60.0, "Seconds to wait for the next bytes of a response.",
            kind="float"),
    Setting("http_max_retries", 4, "Retries of a request that failed for a passing reason "
            "(timeout, 429, 5xx) before the run stops.", kind="int"),
    Setting("http_backoff_seconds", 2.0, "First retry delay; it doubles on each retry, with "
            "random jitter.", kind="float"),
    Setting("http_max_wait_seconds", 900.0, "Longest Retry-After or rate-limit pause a "
            "harvest waits out; a longer one stops the run cleanly.", kind="float"),
    Setting("http_max_response_bytes", 64_000_000, "Largest response body read from an "
            "outside server.", kind="int"),
    Setting("arxiv_oai_url", "https://oaipmh.arxiv.org/oai", "arXiv's OAI-PMH endpoint."),
    Setting("arxiv_oai_metadata", "arXivRaw", "OAI-PMH metadata format: arXivRaw (every "
            "version with its date), arXiv (parsed author names) or oai_dc."),
    Setting("arxiv_sets", "cs", "OAI-PMH sets to harvest, separated by commas (e.g. "
            "cs,math,physics:hep-th)."),
    Setting("arxiv_request_interval", 3.0, "Seconds between requests to arXiv; arXiv asks "
            "for at least 3.", kind="float"),
    Setting("arxiv_api_url", "https://export.arxiv.org/api/query", "arXiv API (Atom) "
            "endpoint for looking up given ids."),
    Setting("arxiv_api_batch_size", 100, "Ids per arXiv API request.", kind="int"),
    Setting("arxiv_rss_url", "https://rss.arxiv.org/rss", "Base of arXiv's new-submissions "
            "feeds; the feed name is appended (…/rss/cs)."),
    Setting("arxiv_rss_feeds", "cs", "arXiv listing feeds to read, separated by commas "
            "(an archive like cs, or categories joined by +, like cs.CL+cs.LG)."),
    Setting("hf_api_url", "https://huggingface.co/api/daily_papers", "Hugging Face daily "
            "papers API endpoint (called with ?date=YYYY-MM-DD)."),
    Setting("hf_request_interval", 1.0, "Seconds between requests to Hugging Face.",
            kind="float"),
    Setting("github_api_url", "https://api.github.com", "GitHub REST API base, for repository "
            "stars."),
    Setting("github_token", "", "GitHub token: raises the rate limit from 60 to 5,000 "
            "requests an hour.", secret=True),
    Setting("github_request_interval", 1.0, "Seconds between requests to GitHub.",
            kind="float"),
    Setting("github_repos_per_run", 50, "Repositories whose stars one GitHub run refreshes, "
            "least recently checked first.", kind="int"),
    Setting("schedule_arxiv", "0 7 * * *", "When `serve` harvests arXiv OAI-PMH (cron, UTC; "
            "after arXiv's nightly announcement)."),
    Setting("schedule_arxiv_rss", "30 5 * * *", "When `serve` reads arXiv's new-submissions "
            "feeds (cron, UTC)."),
    Setting("schedule_hf", "20 * * * *", "When `serve` reads Hugging Face daily papers "
            "(cron, UTC)."),
    Setting("schedule_github", "40 * * * *", "When `serve` refreshes GitHub stars (cron, UTC)."),
    # --- web ---
    Setting("web_page_size", 50, "Papers per page on the daily, trending, category and "
            "search pages.", kind="int"),
    Setting("web_cache_seconds", 5.0, "How long the server reuses a page, API answer or feed "
            "it has built before building it again (0: always build).", kind="float"),
    Setting("web_build_threads", 4, "How many pages, API answers and feeds the server builds "
            "at once (more wait their turn; more threads only contend for the interpreter).",
            kind="int"),
    Setting("web_access_log", False, "Log every request (uvicorn's access log). Off by "
            "default: it costs about a quarter of the server's throughput.", kind="bool"),
    Setting("http_max_age", 60.0, "Cache-Control max-age, in seconds, sent with pages, API "
            "answers and feeds (browsers and proxies may reuse them that long).", kind="float"),
    # --- trending ---
    Setting("trending_gravity", 1.8, "How fast age pulls a paper down the trending list: "
            "0 ranks by votes, comments and stars alone; Hacker News uses 1.8.", kind="float"),
    # --- visitors: sessions, CSRF, rate limits ---
    Setting("trust_forwarded_for", False, "Take the client address from X-Forwarded-For "
            "(only behind a proxy that sets it).", kind="bool"),
    Setting("rate_limit_signin", "5/600", "Sign-in emails per visitor: HITS/SECONDS.",
            kind="rate"),
    Setting("rate_limit_subscribe", "5/600", "Subscribe requests per visitor: HITS/SECONDS.",
            kind="rate"),
    Setting("rate_limit_vote", "120/600", "Votes per visitor: HITS/SECONDS.", kind="rate"),
    Setting("rate_limit_comment", "20/600", "Comments per visitor: HITS/SECONDS.",
            kind="rate"),
    Setting("rate_limit_submit", "20/3600", "Paper submissions per visitor: HITS/SECONDS.",
            kind="rate"),
    Setting("rate_limit_claim", "10/3600", "Authorship claims per visitor: HITS/SECONDS. "
            "Apart from submissions, and lower: an author can claim a sitting's worth of "
            "papers, but a claim from an unknown address waits for an admin, so a flood "
            "would bury the admin queue.", kind="rate"),
    # --- mail
    Setting("smtp_url", "", "SMTP server for outgoing mail, e.g. "
            "smtp://user:pass@host:587?starttls=true or smtps://user:pass@host:465 (add "
            "verify=false for a self-signed certificate). Unset: mail is written to the "
            "outbox folder in data_dir.", kind="smtp_url", secret=True),
    Setting("mail_from", "Paperwire <paperwire@localhost>", "The From address of every "
            "message Paperwire sends."),
    Setting("smtp_pool_size", 4, "SMTP connections kept open and used at once.", kind="int"),
    Setting("smtp_timeout", 30.0, "Seconds to wait for the SMTP server.", kind="float"),
    Setting("mail_receive_max_bytes", 1_048_576, "Largest incoming message `paperwire mail "
            "receive` reads (unsubscribe requests are a few KB; a larger one is rejected "
            "unread, and never held in memory).", kind="int"),
    # --- workers (PostgreSQL task queue)
    Setting("schedule_maintenance", "*/10 * * * *", "When workers prune old rate-limit "
            "windows (cron, UTC; a 6th field counts seconds)."),
    Setting("worker_stalled_seconds", 60, "A task whose worker sent no heartbeat for this "
            "long (the worker died) is queued again.", kind="int"),
    # --- search: keywords, embeddings, hybrid (issue 3)
    Setting("embed_runtime", "onnx-int8", "How the embedding model runs: 'onnx-int8' (ONNX "
            "Runtime, int8, fast on CPU) or 'torch' (sentence-transformers). Changing it "
            "re-embeds every paper; vectors of two runtimes are never mixed."),
    Setting("embed_max_tokens", 256, "Tokens of title and abstract embedded per paper. 128 "
            "embeds about 2.4x faster on CPU (docs/PERFORMANCE.md); changing it re-embeds.",
            kind="int"),
    Setting("embed_in_serve", True, "Embed newly imported papers in the background while "
            "`paperwire serve` runs.", kind="bool"),
    Setting("embed_interval", 60.0, "Seconds between the background embedder's checks for "
            "new papers.", kind="float"),
    Setting("embed_batch_size", 128, "Papers embedded per batch (one transaction each).",
            kind="int"),
    Setting("search_exact_max", 20_000, "Up to this many vectors, semantic search is exact; "
            "above it an IVF index with int8 codes (faiss; a cache file in data_dir) answers.",
            kind="int"),
    Setting("search_vector_backend", "auto", "Where semantic search runs: 'pgvector' "
            "(an HNSW index inside PostgreSQL, filters in the same query), 'in-process' "
            "(an index in each process, following the database), or 'auto': pgvector where "
            "the database has the vector extension.", kind="vector_backend"),
    Setting("search_word_index_min", 200_000, "From this many papers on, keyword search reads "
            "an in-process word index (impact-ordered bm25 postings, built in the background) "
            "instead of scoring every matching paper in the database; 1 always uses it.",
            kind="int"),
    Setting("search_word_index_builder", "serve", "Who builds the word index: 'serve' (the "
            "first web process that needs it, in the background) or 'command' (only "
            "`paperwire word-index`; web processes load what it saved in data_dir).",
            kind="builder"),
    Setting("search_fusion", "convex", "How hybrid search fuses the word and meaning "
            "rankings: convex (weighted sum of min-max normalised scores) or rrf (reciprocal "
            "rank fusion).", kind="fusion"),
    Setting("search_text_weight", 0.5, "Convex fusion: the words' share of the score "
            "(0 to 1; the meaning's share is the rest).", kind="share"),
    Setting("search_fusion_k", 60, "Reciprocal rank fusion constant (search_fusion = rrf).",
            kind="int"),
    # --- community: sign-in, votes, comments, submissions, claims (issue 5)
    Setting("signin_link_minutes", 15, "How long a sign-in link works, in minutes (once).",
            kind="int"),
    Setting("submission_max_age_days", 14, "Oldest paper (days since first published) that "
            "people may submit to the daily list.", kind="int"),
    Setting("submission_daily_limit", 5, "Submissions per person per day (UTC).", kind="int"),
    Setting("submission_trusted_after", 1, "Approved submissions an account needs before its "
            "submissions are listed without waiting for an admin.", kind="int"),
    Setting("comment_max_chars", 10000, "Longest comment, in characters.", kind="int"),
    # --- email digests (issue 6)
    Setting("digest_jobs_enabled", True, "Deliver due digests inside `paperwire serve` "
            "(every digest_interval_seconds).", kind="bool"),
    Setting("digest_interval_seconds", 300, "How often `serve` looks for due digests.",
            kind="int"),
    Setting("schedule_embed", "* * * * *", "When `paperwire worker` embeds the papers that "
            "have no vector yet (cron, UTC; one worker at a time across the cluster)."),
    Setting("schedule_digests", "*/5 * * * *", "When `paperwire worker` looks for due digests "
            "(cron, UTC; once per time across all workers)."),
    Setting("digest_shard_size", 200, "Subscribers per digest task that `paperwire worker` "
            "processes share.", kind="int"),
    Setting("digest_pool_size", 300, "Trending papers of a period that digests choose from "
            "(the best first).", kind="int"),
    Setting("digest_interest_similarity", 0.35, "How close in meaning (cosine, 0-1) a paper "
            "must be to an interest to be picked for it.", kind="float"),
    Setting("digest_send_threads", 4, "Digests sent at once during a run (per process).",
            kind="int"),
    Setting("digest_workers", 2, "Processes that share a digest run of more than 200 "
            "digests (building messages is CPU work: one per core).", kind="int"),
    Setting("digest_send_attempts", 4, "Tries per digest when the mail server answers with a "
            "temporary (4xx) failure.", kind="int"),
    Setting("digest_retry_backoff_seconds", 2.0, "Pause before the first retry of a temporary "
            "failure; it doubles on each retry.", kind="float"),
    Setting("digest_bounce_limit", 3, "Permanent (5xx) failures after which a subscriber is "
            "paused.", kind="int"),
    Setting("digest_claim_timeout_seconds", 300.0, "How old a claimed, unsent digest must be "
            "before another run takes it over (its run died).", kind="float"),
    Setting("digest_skip_recheck_seconds", 3600.0, "A digest skipped for want of new papers is "
            "composed again this often until its period ends (papers may arrive after the "
            "send time); 0 never looks again.", kind="float"),
    Setting("digest_confirm_max_age", 7 * 86400, "Seconds a subscription confirmation link "
            "stays valid.", kind="int"),
    Setting("digest_link_max_age", 400 * 86400, "Seconds the preferences and unsubscribe links "
            "in an email stay valid.", kind="int"),
    Setting("digest_confirm_resend_seconds", 600, "Least time between two confirmation emails "
            "to one address.", kind="int"),
    # --- for you: recommendations, interests, follows, map (issue 8)
    Setting("recommend_window_days", 30, "Days of newest papers the For you feed ranks "
            "(counted back from the newest paper with a vector).", kind="int"),
    Setting("recommend_shortlist", 200, "Papers the first stage (the reader's model over "
            "vectors) passes to the re-ranking with text, authors and follows.", kind="int"),
    Setting("recommend_background", 300, "Random recent papers a reader's model learns "
            "from as likely negatives (weighted low).", kind="int"),
    Setting("recommend_map_papers", 600, "Newest papers drawn on the /map page.", kind="int"),
    Setting("recommend_map_clusters", 8, "Clusters (k-means) on the /map page.", kind="int"),
    Setting("rate_limit_foryou", "60/60", "Feed corrections (not interested, follow, "
            "interests) one person may send: HITS/SECONDS.", kind="rate"),
]

SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def register(setting: Setting) -> Setting:
    """Add a setting from a feature module; names must be unique."""
    if setting.name in SETTINGS_BY_NAME:
        existing = SETTINGS_BY_NAME[setting.name]
        if existing == setting:
            return existing
        raise ValueError(f"setting {setting.name!r} registered twice")
    SETTINGS.append(setting)
    SETTINGS_BY_NAME[setting.name] = setting
    return setting


@dataclass
class Config:
    values: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)
    toml_path: Path | None = None

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def data_path(self) -> Path:
        return Path(self.values["data_dir"]) if self.values["data_dir"] else default_data_dir()

    @property
    def effective_database_url(self) -> str:
        if self.values["database_url"]:
            return self.values["database_url"]
        return f"sqlite:///{self.data_path / 'paperwire.db'}"

    def describe(self) -> list[dict[str, Any]]:
        """Every setting with its effective value (secrets masked) and where it came from."""
        rows = []
        for setting in SETTINGS:
            value = self.values.get(setting.name)
            if setting.name == "database_url" and not value:
                value = self.effective_database_url
            rows.append({
                "name": setting.name,
                "env": setting.env_var,
                "value": mask_secret(setting, value),
                "default": mask_secret(setting, setting.default),
                "source": self.sources.get(setting.name, "default"),
                "help": setting.help,
            })
        return rows


def mask_secret(setting: Setting, value: Any) -> Any:
    if not setting.secret or value in (None, ""):
        return value
    text = str(value)
    if "://" in text:
        return mask_url_password(text)
    return "********"


def mask_url_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:********@{netloc[1]}"))


def find_toml(explicit: str | None, environ: dict[str, str]) -> Path | None:
    candidate = explicit or environ.get(ENV_PREFIX + "CONFIG")
    if candidate:
        path = Path(candidate)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        return path
    for path in (Path.cwd() / "paperwire.toml",
                 Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "paperwire.toml"):
        if path.is_file():
            return path
    return None


def load_config(overrides: dict[str, Any] | None = None, *, toml_file: str | None = None,
                environ: dict[str, str] | None = None) -> Config:
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    sources: dict[str, str] = {}

    toml_path = find_toml(toml_file, environ)
    if toml_path is not None:
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{toml_path}: not valid TOML: {exc}") from None
        table = data.get("paperwire", data)
        for key, raw in table.items():
            setting = SETTINGS_BY_NAME.get(key)
            if setting is None:
                raise ConfigError(f"{toml_path}: unknown setting {key!r}")
            if setting.secret and _holds_credentials(setting, raw):
                raise ConfigError(f"{toml_path}: {key} holds a secret; set {setting.env_var} "
                                  "in the environment instead")
            values[key] = _parse(setting, raw, str(toml_path))
            sources[key] = str(toml_path)

    for setting in SETTINGS:
        raw = environ.get(setting.env_var)
        if raw is not None:
            values[setting.name] = _parse(setting, raw, setting.env_var)
            sources[setting.name] = "env " + setting.env_var

    for key, raw in (overrides or {}).items():
        if raw is None:
            continue
        setting = SETTINGS_BY_NAME[key]
        values[key] = _parse(setting, raw, "command line")
        sources[key] = "command line"

    return Config(values=values, sources=sources, toml_path=toml_path)


def _holds_credentials(setting: Setting, raw: Any) -> bool:
    """URLs are secret only when they carry a password; other secrets always are."""
    if isinstance(raw, str) and "://" in raw:
        return urlsplit(raw).password is not None
    return True


def _parse(setting: Setting, raw: Any, origin: str) -> Any:
    try:
        return setting.parse(raw)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{origin}: bad value for {setting.name}: {exc}") from None
