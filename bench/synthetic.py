"""Synthetic arXiv records in the Kaggle dump format, with realistic field lengths.

Deterministic for a seed, so every benchmark run imports the same bytes. Lengths follow the
real dump: titles ~80 chars, abstracts ~1,000 chars, ~4 authors, 1-3 categories, 1-3
versions, comments on most papers, DOI and journal-ref on some.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

import orjson

_WORDS = ("model learning neural network data training language large graph quantum field "
          "theory energy spin phase transition deep method results show propose approach "
          "performance task inference optimization algorithm sparse dense attention vision "
          "robot policy reinforcement diffusion generative benchmark dataset evaluation "
          "analysis system scalable efficient robust physics galaxy cluster dark matter "
          "spectrum lattice gauge symmetry entropy equation solution boundary").split()
_CATEGORIES = ("cs.LG cs.CL cs.CV cs.AI stat.ML math.OC hep-th hep-ph quant-ph astro-ph.GA "
               "cond-mat.str-el math.PR cs.DS cs.IR cs.RO physics.optics gr-qc").split()
_FIRST = "Alice Bo Chen Dmitri Elena Farid Grace Hiro Ines Jun Kofi Lena Mateo Nadia Omar".split()
_LAST = "Smith Zhang Müller Rossi Kim Novak Silva Haddad Tanaka Ivanov Dubois Okafor Lee".split()
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _rfc2822(moment: datetime) -> str:
    return (f"{_DAYS[moment.weekday()]}, {moment.day} {_MONTHS[moment.month - 1]} "
            f"{moment.year} {moment:%H:%M:%S} GMT")


def kaggle_records(count: int, seed: int = 1) -> Iterator[dict]:
    rng = random.Random(seed)
    start = datetime(2015, 1, 1)
    for index in range(count):
        created = start + timedelta(minutes=index * 5 + rng.randrange(5))
        month_key = f"{created:%y%m}"
        arxiv_id = f"{month_key}.{index % 100000:05d}"
        authors = [(rng.choice(_LAST), rng.choice(_FIRST), "") for _ in range(rng.randint(1, 9))]
        versions = []
        moment = created
        for number in range(1, rng.choice((1, 1, 2, 2, 3)) + 1):
            versions.append({"version": f"v{number}", "created": _rfc2822(moment)})
            moment += timedelta(days=rng.randint(1, 90))
        title = _sentence(rng, rng.randint(6, 14)).capitalize()
        abstract = ". ".join(_sentence(rng, rng.randint(12, 24)) for _ in range(rng.randint(5, 9)))
        yield {
            "id": arxiv_id,
            "submitter": " ".join(authors[0][1::-1]),
            "authors": ", ".join(f"{first} {last}" for last, first, _ in authors),
            "title": "  " + title.replace(" ", "\n  ", 1),
            "comments": f"{rng.randint(4, 40)} pages, {rng.randint(1, 12)} figures"
            if rng.random() < 0.7 else None,
            "journal-ref": f"Phys. Rev. D {rng.randint(50, 110)}, {rng.randint(1000, 9999)} (2019)"
            if rng.random() < 0.25 else None,
            "doi": f"10.1103/PhysRevD.{rng.randint(10, 99)}.{rng.randint(100000, 999999)}"
            if rng.random() < 0.3 else None,
            "report-no": None,
            "categories": " ".join(rng.sample(_CATEGORIES, rng.randint(1, 3))),
            "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
            if rng.random() < 0.5 else None,
            "abstract": "  " + abstract + ".\n",
            "versions": versions,
            "update_date": f"{moment:%Y-%m-%d}",
            "authors_parsed": [list(a) for a in authors],
        }


def write_kaggle_file(path: str, count: int, seed: int = 1) -> None:
    """Write `count` ids; ids repeat every 100,000 per month key, so keep them unique."""
    with open(path, "wb") as out:
        for record in kaggle_records(count, seed):
            out.write(orjson.dumps(record) + b"\n")


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
