"""The in-process word index: every paper's terms with their bm25 impacts, each term's
postings ordered by impact, so a query reads the best few thousand postings of each word
instead of all of them.

Why: FTS5 and PostgreSQL score every paper that has a query word (FTS5: about 3 µs each),
so at a million papers one common word costs hundreds of milliseconds. Impacts here are
FTS5's own bm25 (same terms, see words.py; same column weights, k1 and b), so while no
word has more than DEPTH postings left by the filters, the ranking is FTS5's exactly; past
that, a paper outside a common word's best DEPTH postings loses that word's share (the
benchmark measures the agreement with FTS5).

It is a cache of the papers table like the vector index: built from the database (in a
background thread, searches meanwhile use the database's own keyword search), then kept in
step by papers.changed_at: new or changed papers go to a small delta searched in full,
their earlier versions are masked out, and a large delta makes a rebuild.
"""

from __future__ import annotations

import logging
import math
import shutil
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import orjson
from sqlalchemy import text

from ..store import Database
from ..store.instance import instance_id
from .fts import BM25_WEIGHTS
from .vectors import day_number
from .words import stems, tokens
from .words import terms as text_terms

log = logging.getLogger("paperwire.search")
K1, B = 1.2, 0.75  # FTS5's bm25 constants
DEPTH = 10_000  # postings read per query word, after the filters
WEIGHTLESS_KEPT = 50_000  # postings kept of a word in half the papers or more
CHUNK = 16_384  # postings filtered at a time while looking for DEPTH allowed ones
BUILD_BATCH = 20_000
REBUILD_DELTA_SHARE = 0.05  # rebuild once the delta holds this share of the papers
REFRESH_SECONDS = 2.0  # how often a search checks the papers for changes
SETTLE_SECONDS = 120.0  # longer than any import transaction takes
SIZE_CHECK_SECONDS = 600.0  # how often a database below the size threshold is measured again


class WordIndex:
    """Papers by number (`ids`, `rows`, `days`, `live`); per term, postings by impact."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.rows: dict[str, int] = {}
        self.days = np.zeros(0, dtype=np.int32)
        self.live = np.zeros(0, dtype=bool)
        self.vocabulary: dict[str, int] = {}
        self.offsets = np.zeros(1, dtype=np.int64)
        self.postings = np.zeros(0, dtype=np.int32)
        self.impacts = np.zeros(0, dtype=np.float32)
        self.document_frequency = np.zeros(0, dtype=np.int64)
        self.papers = 0  # N at build time, as bm25's idf and average length saw it
        self.average_length = 1.0
        self.delta: dict[str, list[tuple[int, float]]] = {}  # term -> (paper number, impact)
        self.delta_papers = 0
        self.watermark: str | None = None  # the latest papers.changed_at taken in
        # Papers taken in at the watermark's second, with fingerprints; None once that
        # second was read after it settled (no transaction stamped in it can still commit).
        self.at_watermark: dict[str, int] | None = {}
        self._scratch = np.zeros(0, dtype=np.float32)  # per-paper sums during a search
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self.ids)

    # --- building -------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[tuple]) -> WordIndex:
        """From (id, title, abstract, authors, published_at, changed_at) rows."""
        index = cls()
        started = datetime.now(timezone.utc)
        vocabulary = index.vocabulary
        pair_counts, pair_terms, pair_weights, lengths = [], [], [], []
        days: list[int] = []
        batch: list[tuple] = []

        def flush() -> None:
            docs, terms, weights = [], [], []
            texts = [[tokens(column) for column in row[1:4]] for row in batch]
            known = stems({t for columns in texts for column in columns for t in column})
            base = len(index.ids) - len(batch)
            for number, columns in enumerate(texts, base):
                length = 0
                for weight, column in zip(BM25_WEIGHTS, columns):
                    found = [vocabulary.setdefault(term, len(vocabulary))
                             for token in column for term in known[token]]
                    length += len(found)
                    terms += found
                    docs += [number] * len(found)
                    weights += [weight] * len(found)
                lengths.append(length)
            # One (paper, term) pair per distinct term in a paper: weighted frequencies.
            keys = (np.asarray(docs, dtype=np.int64) << 32) | np.asarray(terms, dtype=np.int64)
            unique, inverse = np.unique(keys, return_inverse=True)
            # Pairs come paper by paper: a count per paper stands for 4 bytes per pair.
            pair_counts.append(np.bincount((unique >> 32) - base, minlength=len(batch)))
            pair_terms.append((unique & 0xFFFFFFFF).astype(np.int32))
            pair_weights.append(np.bincount(inverse, weights=weights).astype(np.float32))
            batch.clear()

        for row in rows:
            index.rows[row[0]] = len(index.ids)
            index.ids.append(row[0])
            days.append(day_number(row[4]))
            index._advance(row)
            batch.append(row)
            if len(batch) >= BUILD_BATCH:
                flush()
        if batch:
            flush()
        index.days = np.asarray(days, dtype=np.int32)
        index.live = np.ones(len(index.ids), dtype=bool)
        if _settled(index.watermark, started):  # read after its second settled
            index.at_watermark = None
        index._finish(pair_counts, pair_terms, pair_weights,
                      np.asarray(lengths, dtype=np.float32))
        return index

    def _finish(self, pair_counts: list, pair_terms: list, pair_weights: list,
                lengths: np.ndarray) -> None:
        """The batches' (paper, term, weighted frequency) pairs into postings by term, best
        impact first. Memory matters at millions of papers (a few hundred million pairs):
        each array is joined while its batches are dropped, a pair's paper is found from
        the per-paper counts (no paper number per pair), impacts are computed in float32
        pieces, and the sort runs over slices of the vocabulary, writing into the final
        arrays, so the peak stays near twice the pairs' own size."""
        starts = np.concatenate([[0], np.cumsum(_join(pair_counts, np.int64))])

        def paper_of(pairs: np.ndarray) -> np.ndarray:
            return (np.searchsorted(starts, pairs, side="right") - 1).astype(np.int32)

        terms = _join(pair_terms, np.int32)
        frequency = _join(pair_weights, np.float32)
        self.papers = len(self.ids)
        self.average_length = float(lengths.mean()) if len(lengths) and lengths.mean() else 1.0
        self.document_frequency = np.bincount(terms, minlength=len(self.vocabulary))
        idf = self._idf(self.document_frequency).astype(np.float32)
        norm = (K1 * (1 - B + B * lengths / self.average_length)).astype(np.float32)
        impacts = np.empty(len(terms), dtype=np.float32)
        for start in range(0, len(terms), 1 << 23):
            part = slice(start, start + (1 << 23))
            tf = frequency[part]
            papers = paper_of(np.arange(part.start, min(part.stop, len(terms))))
            impacts[part] = idf[terms[part]] * tf * np.float32(K1 + 1) / (tf + norm[papers])
        del frequency
        # Words in half the papers or more score next to nothing (FTS5 clamps their idf to
        # 1e-6): only their best WEIGHTLESS_KEPT postings are kept ("the", "we", "of" are a
        # large share of all postings). Such a word alone under a narrow filter may then
        # find nothing, where FTS5 lists its matches with scores of ~0 in no useful order.
        counts = self.document_frequency
        kept = np.where(idf <= 1e-6, np.minimum(counts, WEIGHTLESS_KEPT), counts)
        self.offsets = np.concatenate([[0], np.cumsum(kept)]).astype(np.int64)
        self.postings = np.empty(int(self.offsets[-1]), dtype=np.int32)
        self.impacts = np.empty(int(self.offsets[-1]), dtype=np.float32)
        bounds = np.searchsorted(np.cumsum(counts), np.linspace(0, len(terms), 17)[1:-1],
                                 side="right")
        for low, high in zip(np.r_[0, bounds], np.r_[bounds, len(counts)]):
            if low >= high:
                continue
            chosen = np.flatnonzero((terms >= low) & (terms < high))
            chosen = chosen[np.lexsort((-impacts[chosen], terms[chosen]))]  # by term, best first
            group = counts[low:high]
            place = np.arange(len(chosen)) - np.repeat(np.cumsum(group) - group, group)
            chosen = chosen[place < np.repeat(kept[low:high], group)]
            span = slice(int(self.offsets[low]), int(self.offsets[high]))
            self.postings[span] = paper_of(chosen)
            self.impacts[span] = impacts[chosen]

    def _idf(self, frequency: np.ndarray) -> np.ndarray:
        n = self.papers
        idf = np.log((n - frequency + 0.5) / (frequency + 0.5))
        return np.where(idf > 0, idf, 1e-6)  # as FTS5: a word in most papers still counts

    # --- keeping in step --------------------------------------------------------------
    def add(self, rows: list[tuple]) -> None:
        """New or changed papers, rows as for build(): into the delta; an earlier version is
        masked out. Impacts use the build's statistics (they drift little until a rebuild)."""
        with self._lock:
            self.days = np.concatenate([self.days, np.array([day_number(r[4]) for r in rows],
                                                            dtype=np.int32)])
            self.live = np.concatenate([self.live, np.ones(len(rows), dtype=bool)])
            for row in rows:
                old = self.rows.get(row[0])
                if old is not None:
                    self.live[old] = False
                number = len(self.ids)
                self.ids.append(row[0])
                self.rows[row[0]] = number
                columns = [tokens(column) for column in row[1:4]]
                known = stems({t for column in columns for t in column})
                weighted: dict[str, float] = {}
                length = 0
                for weight, column in zip(BM25_WEIGHTS, columns):
                    for token in column:
                        for term in known[token]:
                            weighted[term] = weighted.get(term, 0.0) + weight
                            length += 1
                norm = K1 * (1 - B + B * length / self.average_length)
                for term, frequency in weighted.items():
                    impact = self._term_idf(term) * frequency * (K1 + 1) / (frequency + norm)
                    self.delta.setdefault(term, []).append((number, impact))
                self.delta_papers += 1
                self._advance(row)

    def _advance(self, row: tuple) -> None:
        """Move the watermark; while its second is recent, remember the papers taken in at
        it with their text's fingerprint (changed_at has whole seconds, and a transaction
        stamped within it may commit after we read it)."""
        changed_at = row[5]
        if not changed_at or (self.watermark is not None and changed_at < self.watermark):
            return
        if changed_at != self.watermark:
            self.watermark, self.at_watermark = changed_at, {}
        if self.at_watermark is not None:
            self.at_watermark[row[0]] = fingerprint(row)

    def holds(self, row: tuple) -> bool:
        """Whether this row, at the watermark's second, is in the index as it is now."""
        return self.at_watermark is None or self.at_watermark.get(row[0]) == fingerprint(row)

    def _term_idf(self, term: str) -> float:
        number = self.vocabulary.get(term)
        frequency = int(self.document_frequency[number]) if number is not None else 0
        frequency += len(self.delta.get(term, ()))
        n = max(self.papers, 1)
        idf = math.log((n - frequency + 0.5) / (frequency + 0.5)) if frequency < n else 0.0
        return idf if idf > 0 else 1e-6

    @property
    def needs_rebuild(self) -> bool:
        return self.delta_papers > max(1000, REBUILD_DELTA_SHARE * self.papers)

    # --- searching ------------------------------------------------------------------
    def search(self, words: list[str], k: int, allowed: np.ndarray | None = None
               ) -> list[tuple[str, float]]:
        """The k best papers by bm25 over these query words (any of them), among `allowed`
        paper numbers (a boolean mask) if given; (id, score) best first."""
        query_terms = list(dict.fromkeys(term for word in words for term in text_terms(word)))
        if not query_terms or k <= 0:
            return []
        with self._lock:
            mask = self.live
            if allowed is not None:  # papers added since the mask was made are left out
                padded = np.zeros(len(mask), dtype=bool)
                padded[:min(len(mask), len(allowed))] = allowed[:len(mask)]
                mask = mask & padded
            docs, scores = [], []
            for term in query_terms:
                number = self.vocabulary.get(term)
                if number is not None:
                    found, impacts = self._best_postings(number, mask)
                    docs.append(found)
                    scores.append(impacts)
                extra = self.delta.get(term)
                if extra:
                    numbers = np.fromiter((n for n, _ in extra), dtype=np.int32, count=len(extra))
                    values = np.fromiter((v for _, v in extra), dtype=np.float32, count=len(extra))
                    keep = mask[numbers]
                    docs.append(numbers[keep])
                    scores.append(values[keep])
            if not docs:
                return []
            docs_all, scores_all = np.concatenate(docs), np.concatenate(scores)
            if len(docs_all) == 0:
                return []
            # Sum per paper in a scratch array (no sort of the postings), then read it back.
            if len(self._scratch) < len(self.ids):
                self._scratch = np.zeros(len(self.ids), dtype=np.float32)
            np.add.at(self._scratch, docs_all, scores_all)
            totals = self._scratch[docs_all]
            self._scratch[docs_all] = 0.0
            # A paper appears once per list it is in, each copy with its total: the best
            # k × lists entries hold every one of the best k papers at least once.
            wanted = min(len(totals), k * len(docs))
            top = np.argpartition(-totals, wanted - 1)[:wanted] if wanted < len(totals) \
                else np.arange(len(totals))
            top = top[np.unique(docs_all[top], return_index=True)[1]]
            top = top[np.lexsort((docs_all[top], -totals[top]))][:k]
            return [(self.ids[int(docs_all[i])], float(totals[i])) for i in top]

    def _best_postings(self, term: int, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        start, stop = int(self.offsets[term]), int(self.offsets[term + 1])
        docs_parts, impact_parts, found = [], [], 0
        while start < stop and found < DEPTH:
            end = min(stop, start + max(CHUNK, DEPTH))
            docs = self.postings[start:end]
            keep = mask[docs]
            docs_parts.append(docs[keep])
            impact_parts.append(self.impacts[start:end][keep])
            found += len(docs_parts[-1])
            start = end
        if not docs_parts:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        return np.concatenate(docs_parts)[:DEPTH], np.concatenate(impact_parts)[:DEPTH]

    # --- the cache folder: one build serves every process on the machine -------------
    def save(self, folder: Path) -> None:
        """Write the index to `folder` (replaced whole, so readers never see half of it)."""
        fresh = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        for name in _ARRAYS:
            np.save(fresh / f"{name}.npy", getattr(self, name))
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        (fresh / "meta.json").write_bytes(orjson.dumps({
            "ids": self.ids, "terms": terms, "papers": self.papers,
            "average_length": self.average_length, "watermark": self.watermark,
            "at_watermark": self.at_watermark, "live": np.flatnonzero(~self.live).tolist()}))
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        fresh.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> WordIndex:
        """The saved index; the big arrays memory-mapped, so processes share their pages."""
        index = cls()
        meta = orjson.loads((folder / "meta.json").read_bytes())
        for name in _ARRAYS:
            setattr(index, name, np.load(folder / f"{name}.npy", mmap_mode="r"))
        index.days = np.array(index.days)  # small, and changed by add()
        index.ids = meta["ids"]
        index.rows = {paper_id: row for row, paper_id in enumerate(index.ids)}
        index.vocabulary = {term: number for number, term in enumerate(meta["terms"])}
        index.papers, index.average_length = meta["papers"], meta["average_length"]
        index.watermark, index.at_watermark = meta["watermark"], meta["at_watermark"]
        index.live = np.ones(len(index.ids), dtype=bool)
        index.live[meta["live"]] = False
        if len(index.offsets) != len(index.vocabulary) + 1 or len(index.days) != len(index.ids):
            raise ValueError("the arrays and the word list disagree")
        return index

    def memory_bytes(self) -> int:
        return (self.postings.nbytes + self.impacts.nbytes + self.offsets.nbytes +
                self.days.nbytes + self.live.nbytes + self.document_frequency.nbytes)


_ARRAYS = ("postings", "impacts", "offsets", "document_frequency", "days")


def _join(parts: list, dtype: type) -> np.ndarray:
    """The batches' arrays as one, each batch dropped as soon as it is copied."""
    joined = np.empty(sum(len(p) for p in parts), dtype=dtype)
    at = 0
    while parts:
        part = parts.pop(0)
        joined[at:at + len(part)] = part
        at += len(part)
    return joined


# --- the per-process cache -----------------------------------------------------------------
_COLUMNS = "id, title, abstract, authors, published_at, changed_at"


def paper_rows(db: Database, since: str | None = None) -> Iterable[tuple]:
    where, params = ("WHERE changed_at >= :since", {"since": since}) if since else ("", {})
    with db.read() as connection:
        result = connection.execution_options(stream_results=True, yield_per=BUILD_BATCH
                                              ).execute(text(f"SELECT {_COLUMNS} FROM papers {where}"),
                                                        params)
        for row in result:
            yield tuple(row)


class WordIndexCache:
    """One WordIndex per database in this process, used once the database holds at least
    `minimum` papers; built and rebuilt in a background thread, synced at most every
    `refresh_seconds`. `get` never waits for a build: None means "use the database"."""

    def __init__(self) -> None:
        self._entries: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.builds_allowed = False  # one-shot commands never start a build they would not use

    def allow_builds(self) -> None:
        self.builds_allowed = True

    def get(self, db: Database, minimum: int, refresh_seconds: float | None = None,
            cache_dir: Path | None = None, build: bool = True) -> WordIndex | None:
        """The index, once built or loaded from `cache_dir/search/` (where a build is saved
        for the other processes of this machine); None until then. With build=False only a
        saved index is loaded (`paperwire word-index` makes it), looked for again every
        SIZE_CHECK_SECONDS."""
        refresh = REFRESH_SECONDS if refresh_seconds is None else refresh_seconds
        with self._lock:
            entry = self._entries.setdefault(db.url, {"index": None, "building": False,
                                                      "checked": 0.0, "sized": -1e9,
                                                      "folder": _folder(cache_dir, db),
                                                      "stamp": None, "warned": False})
            index = entry["index"]
            now = time.monotonic()
            if index is None:
                start = (self.builds_allowed and not entry["building"]
                         and now - entry["sized"] > SIZE_CHECK_SECONDS)
                if start:
                    entry["sized"] = now
                    start = minimum <= 1 or _paper_estimate(db) >= minimum
                if start:
                    entry["building"] = True
                    threading.Thread(target=self._build, args=(db, entry, build),
                                     name="word-index-build", daemon=True).start()
                return None
            due = now - entry["checked"] >= refresh
            if due:
                entry["checked"] = now
        if due:
            sync_words(db, index)
            with self._lock:
                # A process that may not build only reloads, once a newer save is there.
                rebuild = index.needs_rebuild and not entry["building"] and (
                    build or _saved_stamp(entry["folder"]) not in (None, entry["stamp"]))
                entry["building"] = entry["building"] or rebuild
            if rebuild:
                threading.Thread(target=self._build, args=(db, entry, build),
                                 name="word-index-rebuild", daemon=True).start()
            elif index.needs_rebuild and not build and not entry["warned"]:
                entry["warned"] = True
                log.warning("word index: %d papers changed since `paperwire word-index` last "
                            "saved it; run it again (search_word_index_builder = command)",
                            index.delta_papers)
        return index

    def _build(self, db: Database, entry: dict, build: bool = True) -> None:
        try:
            started = time.perf_counter()
            folder, index = entry["folder"], None
            if folder is not None and folder.exists() and (entry["index"] is None or not build):
                try:
                    stamp = _saved_stamp(folder)
                    index = WordIndex.load(folder)
                    entry["stamp"], entry["warned"] = stamp, False
                    log.info("word index: %d papers loaded from %s", len(index), folder)
                except Exception as exc:  # noqa: BLE001 - any damage means: rebuild
                    log.warning("word index cache %s unreadable (%s): rebuilding it from the "
                                "database", folder, exc)
            if index is None and not build:
                return  # only `paperwire word-index` builds (search_word_index_builder)
            if index is None:
                index = WordIndex.build(paper_rows(db))
                log.info("word index: %d papers, %d terms, %.0f MB, built in %.1f s",
                         len(index), len(index.vocabulary), index.memory_bytes() / 2**20,
                         time.perf_counter() - started)
                if folder is not None:
                    index.save(folder)
                    entry["stamp"] = _saved_stamp(folder)
            sync_words(db, index)  # papers changed since it was built or saved
            entry["index"] = index
        except Exception:  # noqa: BLE001 - the database's keyword search still answers
            log.exception("word index build failed; keyword search uses the database")
        finally:
            entry["building"] = False

    def wait(self, db: Database, minimum: int, timeout: float = 3600.0,
             cache_dir: Path | None = None, build: bool = True) -> WordIndex | None:
        """Start (if needed) and wait for the build: for benchmarks and tests."""
        self.allow_builds()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            index = self.get(db, minimum, cache_dir=cache_dir, build=build)
            entry = self._entries[db.url]
            if index is not None or not entry["building"]:
                return index or entry["index"]  # it may have finished just now
            time.sleep(0.05)
        return None

    def size(self, db: Database) -> int:
        """Papers in this database's built index (0 when none is built)."""
        entry = self._entries.get(db.url)
        return len(entry["index"]) if entry and entry["index"] is not None else 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def build_and_save(db: Database, cache_dir: Path, rows: Iterable[tuple] | None = None
                   ) -> tuple[WordIndex, Path]:
    """Build the index now and save it where this database's processes look for it."""
    index = WordIndex.build(rows if rows is not None else paper_rows(db))
    folder = _folder(cache_dir, db)
    index.save(folder)
    return index, folder


def _folder(cache_dir: Path | None, db: Database) -> Path | None:
    """Named by the database's id, not its URL: the same on every machine, so a saved index
    copied to another machine is found there."""
    if cache_dir is None:
        return None
    return cache_dir / "search" / f"words-{instance_id(db)[:16]}"


def _saved_stamp(folder: Path | None) -> int | None:
    """When the saved index was written (its meta.json is written last), or None."""
    try:
        return (folder / "meta.json").stat().st_mtime_ns if folder is not None else None
    except OSError:
        return None


def _paper_estimate(db: Database) -> int:
    """About how many papers: no count (hundreds of ms at millions of papers)."""
    with db.read() as connection:
        if db.is_sqlite:
            sql = "SELECT COALESCE(MAX(rowid), 0) FROM papers"
        else:
            # reltuples is -1 until the table is analysed; the live-row count is kept anyway
            sql = ("SELECT GREATEST(c.reltuples::bigint, COALESCE(s.n_live_tup, 0)) "
                   "FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
                   "WHERE c.oid = 'papers'::regclass")
        return int(connection.execute(text(sql)).scalar() or 0)


def fingerprint(row: tuple) -> int:
    return hash(row[1:5])


def sync_words(db: Database, index: WordIndex) -> None:
    """Take in papers changed at or since the index's watermark that it does not hold as
    they are now (an index range on papers.changed_at: usually the last second's papers)."""
    with db.read() as connection:
        latest = connection.execute(text("SELECT MAX(changed_at) FROM papers")).scalar()
    if latest is None or (latest == index.watermark and index.at_watermark is None):
        return
    settled = _settled(index.watermark)  # before reading: then the read sees all of it
    fresh = [row for row in paper_rows(db, index.watermark)
             if not (row[5] == index.watermark and index.holds(row))]
    if fresh:
        index.add(fresh)
    if settled and latest == index.watermark:
        index.at_watermark = None


def _settled(stamp: str | None, now: datetime | None = None) -> bool:
    """A changed_at second old enough that no transaction stamped in it is still open."""
    if not stamp:
        return False
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return ((now or datetime.now(timezone.utc)) - moment).total_seconds() > SETTLE_SECONDS


WORD_INDEXES = WordIndexCache()
