"""Generate a deterministic news archive for benchmarks, in three flavours.

``generate_archive(dest, n, seed=0, flavour=...)`` writes ``n`` articles (about 70% French, 30%
English, 400–900 words of news-like text each) whose words follow a Zipf distribution over a
few thousand words per language, with search-worthy words (licenciements, suppression, postes,
acquisition, rachat, stockage, serveurs; layoffs, acquisition, storage…) boosted in the
articles about their topic. About 300 generated companies (a registry gives aliases for some),
about 40 sources, a few tags per article, dates spread over 2010–2024 with ~10% month-only.

The same ``(n, seed)`` gives the same articles in every flavour:

- ``site-builder``: ``content/YYYY/MM/<slug>.md`` with YAML front matter per
  ``shared/CONTENT.md``, ``content/companies.yaml`` and ``site.yaml``;
- ``hugo``: full dates plus ``date_precision: month``, ``companies`` and ``sources``
  taxonomies, always a ``summary``; ``hugo.toml`` and ``layouts/`` copied from the anchors;
- ``pelican``: Pelican's Markdown headers; ``pelicanconf*.py`` copied from the anchors.

Hugo and Pelican have no company registry, so they get each article's canonical company names
(what site-builder's registry resolves aliases to): all three sites have the same company pages.

Every archive has a ``bench-archive.json`` manifest at its root. ``edit_one``, ``add_one`` and
``delete_one`` change one article for incremental benchmarks and log the change there;
``reset_archive`` undoes the logged changes, so a cached archive can be reused.

CLI: ``python3 bench/generate.py DEST -n 2000 [--seed 0] [--flavour hugo|pelican|site-builder|
all]``, or ``python3 bench/generate.py DEST --edit|--add|--delete|--reset``.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import random
import re
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

import wordlists as W

GENERATOR_VERSION = 1
MANIFEST = "bench-archive.json"
FLAVOURS = ("site-builder", "hugo", "pelican")
ANCHORS = Path(os.environ.get("BENCH_ANCHORS", "/work/shared/bench-anchors"))
FIRST_DAY = date(2010, 1, 1)
LAST_DAY = date(2024, 12, 31)
NEW_ARTICLES_FROM = date(2025, 1, 1)
N_COMPANIES = 300
TAIL_WORDS = {"fr": 3000, "en": 2500}
ZIPF_EXPONENT = 1.07
TOPIC_RATE = 0.06
SUMMARY_CUT = 200
MIN_WORDS, MAX_WORDS = 400, 880  # the closing link line adds a few words
SITE_YAML = """\
title: Archive de presse
base_url: https://archive.example.org/
language: fr
timezone: Europe/Paris
per_page: 20
"""


# --- the world: vocabulary, companies, sources ------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Words of one language ranked by frequency, with Zipf cumulative weights."""

    words: tuple[str, ...]
    cum_weights: tuple[float, ...]


@dataclass(frozen=True)
class Company:
    """A generated company: canonical name, aliases, registry facts, products."""

    name: str
    aliases: tuple[str, ...]
    website: str
    description: str
    registered: bool
    products: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """A news outlet; ``structured`` ones are written as ``{name, url}`` by site-builder."""

    name: str
    url: str
    lang: str
    structured: bool


@dataclass(frozen=True)
class World:
    """Everything shared by all articles of one seed."""

    seed: int
    vocab: dict[str, Vocabulary]
    companies: tuple[Company, ...]
    company_cum: tuple[float, ...]
    sources: dict[str, tuple[Source, ...]]


@functools.lru_cache(maxsize=4)
def build_world(seed: int) -> World:
    """The world of ``seed``: same seed, same vocabulary, companies and sources."""
    rng = random.Random(f"world:{seed}")
    companies = _make_companies(rng)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(companies))]
    return World(
        seed=seed,
        vocab={lang: _make_vocabulary(rng, lang) for lang in ("fr", "en")},
        companies=companies,
        company_cum=tuple(accumulate(weights)),
        sources=_make_sources(rng),
    )


def _make_vocabulary(rng: random.Random, lang: str) -> Vocabulary:
    """Function words first, then shuffled content words, then pseudo-words; keywords mid-rank."""
    function = W.FUNCTION_FR if lang == "fr" else W.FUNCTION_EN
    content = W.CONTENT_FR if lang == "fr" else W.CONTENT_EN
    keywords = W.KEYWORDS_FR if lang == "fr" else W.KEYWORDS_EN
    content = [word for word in dict.fromkeys(content) if word not in keywords]
    rng.shuffle(content)
    ranked = list(dict.fromkeys([*function, *content, *_pseudo_words(rng, lang)]))
    for position, word in enumerate(keywords):
        ranked.insert(600 + position * 900 // len(keywords), word)
    ranked = list(dict.fromkeys(ranked))
    weights = [1 / (rank + 2.7) ** ZIPF_EXPONENT for rank in range(1, len(ranked) + 1)]
    return Vocabulary(tuple(ranked), tuple(accumulate(weights)))


def _pseudo_words(rng: random.Random, lang: str) -> list[str]:
    """The long tail: plausible-looking rare words made of syllables and a suffix."""
    syllables = W.SYLLABLES_FR if lang == "fr" else W.SYLLABLES_EN
    suffixes = W.SUFFIXES_FR if lang == "fr" else W.SUFFIXES_EN
    words: set[str] = set()
    while len(words) < TAIL_WORDS[lang]:
        stem = "".join(rng.choices(syllables, k=rng.randint(1, 3)))
        words.add(stem + rng.choice(suffixes))
    return sorted(words)


def _make_companies(rng: random.Random) -> tuple[Company, ...]:
    """About 300 companies with unique names; ~85% registered, a third of those with aliases."""
    taken: set[str] = set()
    companies = []
    while len(companies) < N_COMPANIES:
        base = "".join(rng.choices(W.COMPANY_SYLLABLES, k=rng.randint(2, 3))).capitalize()
        name = base + rng.choice(W.COMPANY_SUFFIXES)
        if base in taken or name in taken:
            continue
        taken.update({base, name})
        companies.append(_company(rng, base, name, taken))
    return tuple(companies)


def _company(rng: random.Random, base: str, name: str, taken: set[str]) -> Company:
    """One company; aliases are unique across the whole registry."""
    registered = rng.random() < 0.85
    aliases: list[str] = []
    if registered and rng.random() < 0.35:
        if name != base:
            aliases.append(base)
        acronym = (base[0] + base[len(base) // 2] + base[-1]).upper()
        if acronym not in taken:
            aliases.append(acronym)
            taken.add(acronym)
    products = tuple(rng.choice(W.PRODUCT_HEADS) + rng.choice(W.PRODUCT_TAILS) for _ in range(3))
    description = (
        f"Société fondée en {rng.randint(1970, 2018)}, active dans le "
        f"{rng.choice(W.DOMAINS_FR)} {rng.choice(W.PLACES_FR)}."
    )
    website = f"https://www.{slugify(name)}.example/"
    return Company(name, tuple(aliases), website, description, registered, products)


def _make_sources(rng: random.Random) -> dict[str, tuple[Source, ...]]:
    """28 French and 12 English outlets with unique names."""
    out: dict[str, tuple[Source, ...]] = {}
    specs = (
        ("fr", 28, W.SOURCE_PATTERNS_FR, W.SOURCE_TOPICS_FR),
        ("en", 12, W.SOURCE_PATTERNS_EN, W.SOURCE_TOPICS_EN),
    )
    for lang, count, patterns, topics in specs:
        names = sorted({p.format(x=t) for p in patterns for t in topics})
        chosen = rng.sample(names, count)
        out[lang] = tuple(
            Source(name, f"https://www.{slugify(name)}.example/", lang, rng.random() < 0.25)
            for name in chosen
        )
    return out


# --- articles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """One generated article, independent of any output flavour."""

    index: int
    title: str
    day: date
    precision: str  # "day" or "month"
    lang: str
    source: Source
    companies: tuple[str, ...]  # as the author wrote them (aliases included)
    canonical: tuple[str, ...]  # after the registry
    tags: tuple[str, ...]
    summary: str | None
    url: str | None
    body: str
    slug: str
    explicit_slug: bool = False
    companies_as_string: bool = False

    @property
    def folder(self) -> str:
        """``YYYY/MM``, the folder under ``content/``."""
        return f"{self.day.year:04d}/{self.day.month:02d}"

    @property
    def date_text(self) -> str:
        """The date as an author writes it: ``2019-03`` or ``2019-03-14``."""
        return self.day.isoformat()[:7] if self.precision == "month" else self.day.isoformat()

    @property
    def full_date(self) -> str:
        """A full date for tools that need one: the first of the month for month dates."""
        return (self.day.replace(day=1) if self.precision == "month" else self.day).isoformat()

    @property
    def summary_or_lead(self) -> str:
        """The summary, or the first paragraph cut at a word boundary."""
        if self.summary:
            return self.summary
        lead = self.body.split("\n\n", 1)[0].strip().replace("**", "")
        if len(lead) <= SUMMARY_CUT:
            return lead
        return lead[:SUMMARY_CUT].rsplit(" ", 1)[0] + "…"


def make_article(world: World, index: int, new_rank: int | None = None) -> Article:
    """Article number ``index`` of ``world``: a pure function of (seed, index).

    With ``new_rank`` the article is dated after the whole archive (an article added today):
    ``NEW_ARTICLES_FROM`` plus ``new_rank`` days.
    """
    rng = random.Random(f"article:{world.seed}:{index}")
    lang = "fr" if rng.random() < 0.7 else "en"
    topic_name = rng.choices(list(W.TOPICS), [t["weight"] for t in W.TOPICS.values()])[0]
    topic = W.TOPICS[topic_name]
    day, precision = _pick_date(rng, new_rank)
    source = _pick_source(rng, world, lang)
    picked = _pick_companies(rng, world)
    written = tuple(_written_name(rng, company) for company in picked)
    title_template = rng.choice(topic[f"titles_{lang}"])
    n_companies = 2 if "{c2}" in title_template else rng.choice((1, 1, 1, 2, 3))
    slots = _slots(rng, world, lang, written, source, day, picked)
    title = _capitalize(title_template.format_map(slots))
    summary = None
    if rng.random() < 0.6:
        summary = rng.choice(topic[f"leads_{lang}"]).format_map(slots)
    url = f"{source.url}{day.year}/{slugify(title)}" if rng.random() < 0.5 else None
    body = make_body(rng, world, lang, topic, slots, url)
    return Article(
        index=index,
        title=title,
        day=day,
        precision=precision,
        lang=lang,
        source=source,
        companies=written[:n_companies],
        canonical=tuple(dict.fromkeys(c.name for c in picked[:n_companies])),
        tags=_pick_tags(rng, topic),
        summary=summary,
        url=url,
        body=body,
        slug=slugify(title),
        companies_as_string=n_companies == 1 and rng.random() < 0.1,
    )


def _pick_date(rng: random.Random, new_rank: int | None) -> tuple[date, str]:
    """A day in 2010–2024 (or after it for new articles); 10% month-only."""
    if new_rank is not None:
        return NEW_ARTICLES_FROM + timedelta(days=new_rank), "day"
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    return day, ("month" if rng.random() < 0.1 else "day")


def _pick_source(rng: random.Random, world: World, lang: str) -> Source:
    """Mostly an outlet of the article's language."""
    if rng.random() < 0.9:
        return rng.choice(world.sources[lang])
    return rng.choice(world.sources["fr"] + world.sources["en"])


def _pick_companies(rng: random.Random, world: World) -> tuple[Company, ...]:
    """Three distinct companies, popular ones more often (Zipf-like)."""
    picked: dict[str, Company] = {}
    while len(picked) < 3:
        company = rng.choices(world.companies, cum_weights=world.company_cum)[0]
        picked.setdefault(company.name, company)
    return tuple(picked.values())


def _written_name(rng: random.Random, company: Company) -> str:
    """The canonical name, or one of its aliases 30% of the time."""
    if company.aliases and rng.random() < 0.3:
        return rng.choice(company.aliases)
    return company.name


def _pick_tags(rng: random.Random, topic: dict) -> tuple[str, ...]:
    """One or two topic tags plus up to two general ones."""
    tags = rng.sample(topic["tags"], rng.randint(1, 2))
    tags += rng.sample(W.GENERAL_TAGS, rng.choice((0, 0, 1, 2)))
    return tuple(dict.fromkeys(tags))


def _slots(rng, world, lang, written, source, day, picked) -> dict[str, str]:
    """Values for every template slot, fixed for the whole article."""
    product = rng.choice(picked[0].products)
    return {
        "c": written[0],
        "c2": written[1],
        "n": str(
            rng.choice((50, 80, 120, 200, 300, 450, 500, 600, 800, 1000, 1200, 2000, 3000, 5000))
        ),
        "pct": str(rng.randint(2, 35)),
        "m": str(rng.choice((15, 40, 75, 120, 250, 400, 650, 900, 1400, 2100, 3500))),
        "p": product,
        "lieu": rng.choice(W.PLACES_FR),
        "place": rng.choice(W.PLACES_EN),
        "q": rng.choice(W.QUARTERS_FR),
        "qn": str(rng.randint(1, 4)),
        "src": source.name,
        "year": str(day.year - rng.randint(0, 1)),
        "cpu": rng.choice(W.CPUS),
        "tech": rng.choice(W.TECHS_FR),
        "n2": str(rng.randint(2, 28)),
        "domain": rng.choice(W.DOMAINS_FR if lang == "fr" else W.DOMAINS_EN),
    }


# --- body text --------------------------------------------------------------------------


def make_body(rng, world: World, lang: str, topic: dict, slots: dict, url: str | None) -> str:
    """400–900 words of Markdown: a lead paragraph, then paragraphs, headings and lists."""
    target = rng.randint(MIN_WORDS, MAX_WORDS)
    vocab = world.vocab[lang]
    keywords = topic[f"kw_{lang}"]
    generic = W.GENERIC_FR if lang == "fr" else W.GENERIC_EN
    blocks = [_paragraph(rng, vocab, keywords, slots, topic[f"leads_{lang}"], 1, 2)]
    words = len(blocks[0].split())
    while words < target:
        roll = rng.random()
        if roll < 0.12:
            block = "## " + rng.choice(topic[f"headings_{lang}"])
        elif roll < 0.19:
            block = _bullet_list(rng, vocab, keywords)
        else:
            templates = topic[f"leads_{lang}"] if rng.random() < 0.4 else generic
            block = _paragraph(rng, vocab, keywords, slots, templates, 2, 5)
        size = len(block.split())
        if words + size > MAX_WORDS and words >= MIN_WORDS:
            break
        blocks.append(block)
        words += size
    if url:
        label = "l'article original" if lang == "fr" else "the original story"
        blocks.append(("Lire " if lang == "fr" else "Read ") + f"[{label}]({url}).")
    return "\n\n".join(blocks) + "\n"


def _paragraph(rng, vocab, keywords, slots, templates, low: int, high: int) -> str:
    """One template sentence (filled) and ``low``–``high`` Zipf sentences."""
    sentences = [rng.choice(templates).format_map(slots)]
    for _ in range(rng.randint(low, high)):
        sentences.append(zipf_sentence(rng, vocab, keywords, slots["c"]))
    if rng.random() < 0.2:
        sentences = [s.replace(slots["c"], f"**{slots['c']}**", 1) for s in sentences]
    return " ".join(sentences)


def _bullet_list(rng, vocab, keywords) -> str:
    """A Markdown list of three short phrases."""
    items = [zipf_sentence(rng, vocab, keywords, None, rng.randint(3, 7)) for _ in range(3)]
    return "\n".join(f"- {item.rstrip('.')}" for item in items)


def zipf_sentence(rng, vocab: Vocabulary, keywords, company: str | None, length=None) -> str:
    """A sentence of Zipf-drawn words, some replaced by topic keywords, maybe a company."""
    length = length or rng.randint(8, 24)
    words = rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=length)
    for _ in range(int(length * TOPIC_RATE + rng.random())):
        words[rng.randrange(length)] = rng.choice(keywords)
    if company and rng.random() < 0.25:
        words[rng.randrange(length)] = company
    if length > 12 and rng.random() < 0.5:
        cut = rng.randrange(4, length - 4)
        words[cut] += ","
    return _capitalize(" ".join(words)) + "."


def _capitalize(text: str) -> str:
    """Upper-case the first character only."""
    return text[:1].upper() + text[1:]


# --- slugs and YAML scalars ------------------------------------------------------------


def slugify(text: str) -> str:
    """Lowercase ASCII letters, digits and ``-``; accents transliterated (``É`` → ``e``)."""
    for char, ascii_ in (("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("ß", "ss")):
        text = text.replace(char, ascii_)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_PLAIN_FLOW = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][^:#,\[\]{}\"\n]*")
_PLAIN_BLOCK = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][^:#\"\n]*")
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


def yaml_scalar(text: str, flow: bool = False) -> str:
    """``text`` as a YAML scalar that reads back as the same string.

    Plain when that is safe (in a flow sequence too with ``flow``), JSON-quoted otherwise.
    """
    plain = _PLAIN_FLOW if flow else _PLAIN_BLOCK
    if plain.fullmatch(text) and not text.endswith(" ") and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def yaml_list(items: Sequence[str]) -> str:
    """A YAML flow sequence of strings."""
    return "[" + ", ".join(yaml_scalar(item, flow=True) for item in items) + "]"


# --- flavours ---------------------------------------------------------------------------


def render_article(article: Article, flavour: str) -> str:
    """The file text of ``article`` in ``flavour``."""
    if flavour == "site-builder":
        head = _site_builder_front_matter(article)
    elif flavour == "hugo":
        head = _hugo_front_matter(article)
    elif flavour == "pelican":
        head = _pelican_headers(article)
    else:
        raise ValueError(f"unknown flavour {flavour!r}; expected one of {FLAVOURS}")
    separator = "\n\n" if flavour == "pelican" else "\n"
    return "\n".join(head) + separator + article.body


def _site_builder_front_matter(a: Article) -> list[str]:
    """YAML front matter per shared/CONTENT.md."""
    lines = ["---", f"title: {yaml_scalar(a.title)}", f"date: {a.date_text}"]
    if a.source.structured:
        lines += ["source:", f"  name: {yaml_scalar(a.source.name)}", f"  url: {a.source.url}"]
    else:
        lines.append(f"source: {yaml_scalar(a.source.name)}")
    companies = yaml_scalar(a.companies[0]) if a.companies_as_string else yaml_list(a.companies)
    lines += [f"companies: {companies}", f"tags: {yaml_list(a.tags)}", f"lang: {a.lang}"]
    if a.summary:
        lines.append(f"summary: {yaml_scalar(a.summary)}")
    if a.url:
        lines.append(f"url: {a.url}")
    if a.explicit_slug:
        lines.append(f"slug: {a.slug}")
    return [*lines, "---"]


def _hugo_front_matter(a: Article) -> list[str]:
    """Hugo YAML front matter as the anchors README asks (no ``url``: Hugo reads it as a path)."""
    lines = ["---", f"title: {yaml_scalar(a.title)}", f"date: {a.full_date}"]
    if a.precision == "month":
        lines.append("date_precision: month")
    lines += [
        f"companies: {yaml_list(a.canonical)}",
        f"sources: {yaml_list([a.source.name])}",
        f"tags: {yaml_list(a.tags)}",
        f"summary: {yaml_scalar(a.summary_or_lead)}",
    ]
    return [*lines, "---"]


def _pelican_headers(a: Article) -> list[str]:
    """Pelican Markdown metadata: companies as Tags, the source as Category."""
    return [
        f"Title: {a.title}",
        f"Date: {a.full_date}",
        f"Tags: {', '.join(a.canonical)}",
        f"Category: {a.source.name}",
        f"Summary: {a.summary_or_lead}",
        f"Lang: {a.lang}",
        f"Slug: {a.slug}",
    ]


def write_site_files(dest: Path, flavour: str, world: World) -> None:
    """Configuration next to ``content/``: site.yaml + registry, or the anchors' peer configs."""
    if flavour == "site-builder":
        (dest / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
        (dest / "content" / "companies.yaml").write_text(registry_yaml(world), encoding="utf-8")
    elif flavour == "hugo":
        _copy_tree(ANCHORS / "hugo", dest)
    elif flavour == "pelican":
        _copy_tree(ANCHORS / "pelican", dest)


def _copy_tree(src: Path, dest: Path) -> None:
    """Copy files (contents only, fresh permissions) from ``src`` into ``dest``."""
    for path in sorted(src.rglob("*")):
        target = dest / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def registry_yaml(world: World) -> str:
    """``companies.yaml``: the registered companies, with aliases where they have some."""
    lines = []
    for company in world.companies:
        if not company.registered:
            continue
        lines.append(f"{yaml_scalar(company.name)}:")
        if company.aliases:
            lines.append(f"  aliases: {yaml_list(company.aliases)}")
        lines.append(f"  website: {company.website}")
        lines.append(f"  description: {yaml_scalar(company.description)}")
    return "\n".join(lines) + "\n"


# --- whole archives ---------------------------------------------------------------------


def generate_archive(dest, n: int, seed: int = 0, flavour: str = "site-builder") -> dict:
    """Write an archive of ``n`` articles in ``flavour`` to ``dest`` (replaced if it exists).

    Deterministic: the same ``(n, seed)`` gives byte-identical files. Returns the manifest.
    """
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}; expected one of {FLAVOURS}")
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content").mkdir(parents=True)
    world = build_world(seed)
    taken: dict[str, set[str]] = {}
    for index in range(n):
        article = _unique_slug(make_article(world, index), taken)
        _write_article(dest, article, flavour)
    write_site_files(dest, flavour, world)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "flavour": flavour,
        "next_index": n,
        "added": 0,
        "edits": 0,
        "changes": [],
        "complete": True,
    }
    _save_manifest(dest, manifest)
    return manifest


def _unique_slug(article: Article, taken: dict[str, set[str]]) -> Article:
    """Make the slug unique in its ``YYYY/MM`` folder (``-2``, ``-3``… and an explicit slug)."""
    used = taken.setdefault(article.folder, set())
    slug, rank = article.slug, 1
    while slug in used:
        rank += 1
        slug = f"{article.slug}-{rank}"
    used.add(slug)
    if slug == article.slug:
        return article
    return dataclasses.replace(article, slug=slug, explicit_slug=True)


def article_path(article: Article) -> str:
    """Path of the article file relative to the archive root."""
    return f"content/{article.folder}/{article.slug}.md"


def _write_article(dest: Path, article: Article, flavour: str) -> str:
    """Write one article file; return its path relative to ``dest``."""
    relative = article_path(article)
    path = dest / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_article(article, flavour), encoding="utf-8")
    return relative


def load_manifest(dest) -> dict:
    """The archive's manifest; FileNotFoundError if ``dest`` is not a generated archive."""
    return json.loads((Path(dest) / MANIFEST).read_text(encoding="utf-8"))


def _save_manifest(dest: Path, manifest: dict) -> None:
    """Write the manifest atomically."""
    tmp = Path(dest) / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(Path(dest) / MANIFEST)


def is_complete(dest, n: int, seed: int, flavour: str) -> bool:
    """True when ``dest`` holds a finished archive of this generator for ``(n, seed, flavour)``."""
    try:
        m = load_manifest(dest)
    except (FileNotFoundError, json.JSONDecodeError):
        return False
    return (
        m.get("complete")
        and m.get("generator_version") == GENERATOR_VERSION
        and (m["n"], m["seed"], m["flavour"]) == (n, seed, flavour)
    )


# --- incremental changes ----------------------------------------------------------------


def article_files(dest) -> list[Path]:
    """All article files of the archive, sorted (``companies.yaml`` excluded)."""
    return sorted(Path(dest, "content").rglob("*.md"))


def edit_one(dest, flavour: str | None = None) -> str:
    """Change one line of one article body; return its relative path.

    The article is the middle one of the sorted files at the first edit, and stays the same
    for later edits while it exists. Each call appends a new marker to the body's last line,
    so repeated edits really change the file.
    """
    dest = Path(dest)
    manifest = load_manifest(dest)
    path = dest / manifest.get("edit_target", "-")
    if not path.is_file():
        files = article_files(dest)
        path = files[len(files) // 2]
        manifest["edit_target"] = str(path.relative_to(dest))
    original = path.read_text(encoding="utf-8")
    manifest["edits"] += 1
    lines = original.rstrip("\n").split("\n")
    lines[-1] += f" Mise à jour {manifest['edits']}."
    _log_change(dest, manifest, "edit", path, original)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path.relative_to(dest))


def add_one(dest, flavour: str | None = None) -> str:
    """Add a new article dated after all others; return its relative path."""
    dest = Path(dest)
    manifest = load_manifest(dest)
    flavour = flavour or manifest["flavour"]
    world = build_world(manifest["seed"])
    article = make_article(world, manifest["next_index"], new_rank=manifest["added"])
    folder = dest / "content" / article.folder
    existing = {p.stem for p in folder.glob("*.md")} if folder.is_dir() else set()
    article = _unique_slug(article, {article.folder: existing})
    manifest["next_index"] += 1
    manifest["added"] += 1
    _log_change(dest, manifest, "add", dest / article_path(article), None)
    return _write_article(dest, article, flavour)


def delete_one(dest, flavour: str | None = None) -> str:
    """Delete one article (a third of the way through the sorted files); return its path."""
    dest = Path(dest)
    manifest = load_manifest(dest)
    files = article_files(dest)
    path = files[len(files) // 3]
    _log_change(dest, manifest, "delete", path, path.read_text(encoding="utf-8"))
    path.unlink()
    return str(path.relative_to(dest))


def note_created(dest, relative: str) -> None:
    """Log a path created next to the archive (e.g. ``templates``) so reset removes it."""
    dest = Path(dest)
    _log_change(dest, load_manifest(dest), "created", dest / relative, None)


def _log_change(dest: Path, manifest: dict, op: str, path: Path, original: str | None) -> None:
    """Record a change (with the original text) in the manifest before it is made."""
    manifest["changes"].append(
        {"op": op, "path": str(path.relative_to(dest)), "original": original}
    )
    _save_manifest(dest, manifest)


def reset_archive(dest) -> int:
    """Undo every logged change, newest first; return how many were undone."""
    dest = Path(dest)
    manifest = load_manifest(dest)
    changes = manifest["changes"]
    for change in reversed(changes):
        path = dest / change["path"]
        if change["op"] in ("edit", "delete"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(change["original"], encoding="utf-8")
        elif path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
            _remove_empty_parents(path.parent, dest / "content")
    manifest.update(changes=[], next_index=manifest["n"], added=0, edits=0)
    manifest.pop("edit_target", None)
    _save_manifest(dest, manifest)
    return len(changes)


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    """Remove ``folder`` and its parents while they are empty, up to (excluding) ``stop``."""
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# --- CLI --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Generate an archive, or apply one incremental change to an existing one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("-n", type=int, help="number of articles to generate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--flavour",
        choices=[*FLAVOURS, "all"],
        default="site-builder",
        help="'all' writes DEST/<flavour>/ for each flavour",
    )
    group = parser.add_mutually_exclusive_group()
    for op in ("edit", "add", "delete", "reset"):
        group.add_argument(f"--{op}", action="store_true", help=f"{op} one article in DEST")
    args = parser.parse_args(argv)
    for op, func in (("edit", edit_one), ("add", add_one), ("delete", delete_one)):
        if getattr(args, op):
            print(func(args.dest))
            return 0
    if args.reset:
        print(f"undid {reset_archive(args.dest)} change(s)")
        return 0
    if args.n is None:
        parser.error("-n is required to generate")
    flavours = FLAVOURS if args.flavour == "all" else (args.flavour,)
    for flavour in flavours:
        dest = args.dest / flavour if args.flavour == "all" else args.dest
        generate_archive(dest, args.n, args.seed, flavour)
        print(f"{flavour}: {args.n} articles in {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
