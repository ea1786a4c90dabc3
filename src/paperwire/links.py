"""Links derived from a paper's identity."""

from __future__ import annotations

from .records import PaperRecord


def abs_url(record: PaperRecord) -> str | None:
    if record.arxiv_id:
        return f"https://arxiv.org/abs/{record.arxiv_id}"
    if record.doi:
        return f"https://doi.org/{record.doi}"
    return None


def pdf_url(record: PaperRecord) -> str | None:
    if record.pdf_url:
        return record.pdf_url
    if record.arxiv_id:
        return f"https://arxiv.org/pdf/{record.arxiv_id}"
    return None
