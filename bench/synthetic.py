"""Synthetic arXiv records in the Kaggle dump format, with realistic field lengths and text.

Deterministic for a seed, so every benchmark run imports the same bytes (and the first N
records are the same whatever the count). Lengths follow the real dump: titles ~80 chars,
abstracts ~1,000 chars, 1-9 authors (~5), 1-3 categories, 1-3 versions, comments on most papers,
DOI and journal-ref on some.

Titles and abstracts are words drawn by frequency from the real vocabulary of the Hugging
Face daily papers' abstracts (bench/hf_vocabulary.txt.gz: the 20,000 commonest words with
their counts, made from ../shared/data by `python bench/synthetic.py vocabulary`), so
word frequencies are Zipf-like as in real text: a query word matches a realistic share of
the papers, not nearly all of them. The draws are vectorised with numpy (over 1M records
a minute).
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import orjson

VOCABULARY = Path(__file__).resolve().parent / "hf_vocabulary.txt.gz"
VOCABULARY_SIZE = 20_000
_TOKEN = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")  # words with a letter, as a tokenizer sees them
_CATEGORIES = ("cs.LG cs.CL cs.CV cs.AI stat.ML math.OC hep-th hep-ph quant-ph astro-ph.GA "
               "cond-mat.str-el math.PR cs.DS cs.IR cs.RO physics.optics gr-qc").split()
_FIRST = "Alice Bo Chen Dmitri Elena Farid Grace Hiro Ines Jun Kofi Lena Mateo Nadia Omar".split()
_LAST = "Smith Zhang Müller Rossi Kim Novak Silva Haddad Tanaka Ivanov Dubois Okafor Lee".split()
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CHUNK = 4096  # records drawn at once; fixed, so a record does not depend on the count
# Words per title and per abstract sentence, sentences per abstract (inclusive ranges):
# with the vocabulary's mean word length (5.9 letters by frequency) titles are ~80 chars
# and abstracts ~1,000, as in the real dump.
_TITLE_WORDS = (8, 15)
_SENTENCE_WORDS = (14, 26)
_SENTENCES = (5, 9)


def build_vocabulary(hf_file: Path, out: Path = VOCABULARY) -> None:
    """Count the words of the HF daily papers' abstracts (one per arXiv id) and write the
    commonest VOCABULARY_SIZE as "word count" lines, commonest first."""
    seen: dict[str, str] = {}
    with gzip.open(hf_file) as handle:
        for line in handle:
            record = orjson.loads(line)
            seen.setdefault(record["arxiv_id"], record.get("summary") or "")
    counts = Counter(w for summary in seen.values() for w in _TOKEN.findall(summary.lower()))
    lines = "".join(f"{w} {n}\n" for w, n in
                    sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:VOCABULARY_SIZE])
    with gzip.GzipFile(out, "wb", mtime=0) as handle:
        handle.write(lines.encode())


_TABLE_BITS = 22  # draws by table look-up: the rarest word (count 2) still gets ~4 slots


@lru_cache(maxsize=1)
def vocabulary() -> tuple[np.ndarray, np.ndarray]:
    """(words, probabilities by frequency) of the committed vocabulary."""
    lines = gzip.decompress(VOCABULARY.read_bytes()).decode().splitlines()
    pairs = [line.split(" ") for line in lines if line]
    counts = np.array([int(n) for _, n in pairs], dtype=np.float64)
    return np.array([w for w, _ in pairs], dtype=object), counts / counts.sum()


@lru_cache(maxsize=1)
def _word_table() -> np.ndarray:
    """Word indices in 2**_TABLE_BITS slots, each word's share of slots its frequency: a
    uniform slot is a draw by frequency, without a search per word."""
    cumulative = np.cumsum(vocabulary()[1])
    slots = (np.arange(2 ** _TABLE_BITS) + 0.5) / 2 ** _TABLE_BITS
    return np.minimum(np.searchsorted(cumulative, slots), len(cumulative) - 1).astype(np.int32)


def _draw_words(rng: np.random.Generator, count: int) -> np.ndarray:
    return vocabulary()[0][_word_table()[rng.integers(0, 2 ** _TABLE_BITS, count)]]


def _texts(rng: np.random.Generator, words: np.ndarray, lengths: np.ndarray,
           breaks: np.ndarray) -> list[str]:
    """One text per entry of `lengths` (words each), from the word sequence `words`; a
    sentence ends (". ") after the flat positions where `breaks` is true."""
    ends = np.cumsum(lengths) - 1
    separators = np.full(len(words), " ", dtype=object)
    separators[breaks] = ". "
    separators[ends] = "\n"
    joined = np.empty(2 * len(words), dtype=object)
    joined[0::2] = words
    joined[1::2] = separators
    return "".join(joined.tolist()).split("\n")[:-1]


def _rfc2822(moment: datetime) -> str:
    return (f"{_DAYS[moment.weekday()]}, {moment.day} {_MONTHS[moment.month - 1]} "
            f"{moment.year} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT")


def _chunk(rng: np.random.Generator, first: int, size: int) -> Iterator[dict]:
    low, high = _TITLE_WORDS
    title_lengths = rng.integers(low, high + 1, size)
    sentences = rng.integers(_SENTENCES[0], _SENTENCES[1] + 1, size)
    sentence_lengths = rng.integers(_SENTENCE_WORDS[0], _SENTENCE_WORDS[1] + 1,
                                    int(sentences.sum()))
    starts = np.concatenate(([0], np.cumsum(sentences)[:-1]))
    abstract_lengths = np.add.reduceat(sentence_lengths, starts)
    titles = _texts(rng, _draw_words(rng, int(title_lengths.sum())), title_lengths,
                    np.zeros(int(title_lengths.sum()), dtype=bool))
    total = int(abstract_lengths.sum())
    breaks = np.zeros(total, dtype=bool)
    breaks[np.cumsum(sentence_lengths) - 1] = True
    abstracts = _texts(rng, _draw_words(rng, total), abstract_lengths, breaks)
    minutes = rng.integers(0, 5, size).tolist()
    author_counts = rng.integers(1, 10, size).tolist()
    lasts = rng.integers(0, len(_LAST), (size, 9)).tolist()
    firsts = rng.integers(0, len(_FIRST), (size, 9)).tolist()
    version_counts = rng.choice((1, 1, 2, 2, 3), size).tolist()
    gaps = rng.integers(1, 91, (size, 3)).tolist()
    pages, figures = rng.integers(4, 41, size).tolist(), rng.integers(1, 13, size).tolist()
    volumes = rng.integers(50, 111, size).tolist()
    numbers = rng.integers(1000, 10000, size).tolist()
    doi_a = rng.integers(10, 100, size).tolist()
    doi_b = rng.integers(100000, 1000000, size).tolist()
    optional = (rng.random((size, 4)) < (0.7, 0.25, 0.3, 0.5)).tolist()  # comments,
    category_counts = rng.integers(1, 4, size).tolist()  # journal-ref, doi, license
    category_order = np.argsort(rng.random((size, len(_CATEGORIES))), axis=1)[:, :3].tolist()
    start = datetime(2015, 1, 1)
    for k in range(size):
        index = first + k
        created = start + timedelta(minutes=index * 5 + minutes[k])
        authors = [[_LAST[last], _FIRST[given], ""]
                   for last, given in zip(lasts[k][:author_counts[k]], firsts[k])]
        versions = []
        moment = created
        for number in range(version_counts[k]):
            versions.append({"version": f"v{number + 1}", "created": _rfc2822(moment)})
            moment += timedelta(days=gaps[k][number])
        title = titles[k]
        first_space = title.find(" ")
        comments, journal, doi, license_ = optional[k]
        yield {
            "id": f"{created:%y%m}.{index % 100000:05d}",
            "submitter": f"{authors[0][1]} {authors[0][0]}",
            "authors": ", ".join([f"{given} {last}" for last, given, _ in authors]),
            "title": "  " + title[0].upper() + title[1:first_space] + "\n  "
                     + title[first_space + 1:],
            "comments": f"{pages[k]} pages, {figures[k]} figures" if comments else None,
            "journal-ref": f"Phys. Rev. D {volumes[k]}, {numbers[k]} (2019)" if journal else None,
            "doi": f"10.1103/PhysRevD.{doi_a[k]}.{doi_b[k]}" if doi else None,
            "report-no": None,
            "categories": " ".join([_CATEGORIES[c]
                                    for c in category_order[k][:category_counts[k]]]),
            "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/" if license_ else None,
            "abstract": "  " + abstracts[k] + ".\n",
            "versions": versions,
            "update_date": f"{moment:%Y-%m-%d}",
            "authors_parsed": authors,
        }


def kaggle_records(count: int, seed: int = 1) -> Iterator[dict]:
    rng = np.random.default_rng(seed)
    for first in range(0, count, _CHUNK):
        yield from _chunk(rng, first, _CHUNK) if first + _CHUNK <= count else \
            (record for _, record in zip(range(count - first), _chunk(rng, first, _CHUNK)))


def write_kaggle_file(path: str, count: int, seed: int = 1) -> None:
    """Write `count` ids; ids repeat every 100,000 per month key, so keep them unique."""
    with open(path, "wb") as out:
        batch: list[bytes] = []
        for record in kaggle_records(count, seed):
            batch.append(orjson.dumps(record))
            if len(batch) == _CHUNK:
                out.write(b"\n".join(batch) + b"\n")
                batch = []
        if batch:
            out.write(b"\n".join(batch) + b"\n")


# --- the same records as arXiv's OAI-PMH serves them (arXivRaw, as its templates write it) --

OAI_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ '
            'http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
            '    <responseDate>2024-01-27T17:53:42Z</responseDate>\n'
            '    <request verb="ListRecords"{attrs}>https://oaipmh.arxiv.org/oai</request>\n')


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def arxiv_raw_record(data: dict, set_spec: str = "cs") -> str:
    """One <record> of a ListRecords response in the arXivRaw format, from a Kaggle-shaped dict."""
    versions = "".join(
        f'            <version version="{v["version"]}">\n'
        f'                <date>{v["created"]}</date>\n'
        f'                <size>{100 + i * 7}kb</size>\n'
        f'                <source_type>D</source_type>\n'
        f'            </version>\n' for i, v in enumerate(data["versions"]))
    optional = "".join(
        f"            <{tag}>{_xml(data[tag])}</{tag}>\n"
        for tag in ("comments", "report-no", "journal-ref", "doi", "license") if data.get(tag))
    return (
        "        <record>\n    <header>\n"
        f"        <identifier>oai:arXiv.org:{data['id']}</identifier>\n"
        f"        <datestamp>{data['update_date']}</datestamp>\n"
        f"            <setSpec>{set_spec}</setSpec>\n    </header>\n"
        "            <metadata>\n"
        '    <arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://arxiv.org/OAI/arXivRaw/ http://arxiv.org/OAI/arXivRaw.xsd">\n'
        f"        <id>{data['id']}</id>\n"
        f"        <submitter>{_xml(data['submitter'] or '')}</submitter>\n"
        f"{versions}"
        f"        <title>{_xml(data['title'])}</title>\n"
        f"        <authors>{_xml(data['authors'])}</authors>\n"
        f"        <categories>{data['categories']}</categories>\n"
        f"{optional}"
        f"        <abstract>{_xml(data['abstract'])}</abstract>\n"
        "    </arXivRaw>\n            </metadata>\n        </record>\n")


def list_records_page(records: list[str], token: str | None, cursor: int, total: int,
                      attrs: str = "", extra: str = "") -> str:
    """A ListRecords page; `token` None ends the list (an empty resumptionToken)."""
    token_xml = (f'        <resumptionToken cursor="{cursor}" completeListSize="{total}">'
                 f"{token}</resumptionToken>\n" if token else
                 f'        <resumptionToken cursor="{cursor}" completeListSize="{total}"/>\n')
    return (OAI_HEAD.format(attrs=attrs) + "    <ListRecords>\n" + "".join(records) + extra
            + token_xml + "    </ListRecords>\n</OAI-PMH>\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["vocabulary"]:  # rebuild bench/hf_vocabulary.txt.gz from the HF data
        build_vocabulary(Path(__file__).resolve().parents[2] / "shared" / "data" /
                         "hf-daily-papers" / "hf_daily_papers_2024-05-27_2026-08-21.jsonl.gz")
    else:
        raise SystemExit("usage: python bench/synthetic.py vocabulary")
