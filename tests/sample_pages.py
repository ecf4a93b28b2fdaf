"""The sample archive's pages, one of each type, for the browser tests (axe, keyboard,
screenshots). Paths are relative to the site root."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PAGE_TYPES = {
    "article": "2020/10/hpe-supprime-au-moins-500-postes-aux-etats-unis/",
    "article-en": "2024/01/hewlett-packard-enterprise-agrees-to-buy-juniper-networks/",
    "front": "",
    "front-older": "page/1/",
    "company": "companies/hewlett-packard-enterprise/",
    "source": "sources/block-and-files/",
    "tag": "tags/licenciements/",
    "year": "2020/",
    "month": "2020/10/",
    "companies": "companies/",
    "sources": "sources/",
    "tags": "tags/",
    "search": "search/",
    "404": "404.html",
}
