"""One analysis, two front ends: the browser's port (site_builder/templates/static/
search-analysis.js, run in node) gives exactly the terms of the Python analysis, which equals
whoosh's analyzer chain."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.search import analysis
from site_builder.search.analysis import GROUPS
from support import tool_missing

REPO = Path(__file__).resolve().parents[1]
ANALYSIS_JS = REPO / "site_builder" / "templates" / "static" / "search-analysis.js"

# The module imports nothing: node loads it from a data: URL, an ES module whatever the
# package.json around it says.
NODE_SCRIPT = r"""
const fs = require("fs");
const source = fs.readFileSync(process.argv[1]);
import("data:text/javascript;base64," + source.toString("base64")).then((S) => {
  const input = JSON.parse(fs.readFileSync(0, "utf8"));
  S.configure(input.tables);
  const out = {tokens: input.texts.map((t) => S.tokens(t))};
  for (const g of ["fr", "en", "plain"]) out[g] = input.words.map((w) => S.term(w, g));
  for (const g of ["fr", "en"]) out["alias_" + g] = input.words.map((w) => S.alias(w, g));
  out.excerpts = (input.excerpts || []).map(([text, lang, query]) => S.excerpt(text, lang, S.queryWords(query)[0]));
  out.stem_fr = input.words.map((w) => S.frenchStem(w.toLowerCase()));
  out.stem_en = input.words.map((w) => S.englishStem(w.toLowerCase()));
  process.stdout.write(JSON.stringify(out));
});
"""


def run_node(words: list[str], texts: list[str] = (), excerpts: list = ()) -> dict:
    node = shutil.which("node")
    if node is None:
        tool_missing("node is not installed (needed to run search-analysis.js outside a browser)")
    payload = {"tables": analysis.export_tables(), "words": words, "texts": list(texts)}
    payload["excerpts"] = list(excerpts)
    result = subprocess.run(
        [node, "-e", NODE_SCRIPT, str(ANALYSIS_JS)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def sample_words() -> set[str]:
    words: set[str] = set()
    for path in (REPO / "content").rglob("*"):
        if path.is_file():
            words.update(analysis.tokens(path.read_text("utf-8")))
    return words


def bench_words() -> set[str]:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import wordlists
    finally:
        sys.path.pop(0)
    words: set[str] = set()
    for value in vars(wordlists).values():
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, str):
                words.update(analysis.tokens(item))
    return words


FRENCH_STEMS = "licenci administr nation rapid heureu continu port march act product organ "
FRENCH_STEMS += "développ gouvern invest cré réduct accélér ferm financ emploi"
FRENCH_ENDINGS = (
    "ement ements ation ations atrice ateur ateurs euse euses eux ité ités if ive ives ifs iste "
    "isme able ance ence ences logie logies ution usion amment emment ment ments aux eaux "
    "issement issements ir is it issons issent issant irait èrent erait eraIent ions ez ée ées "
    "és er ant ante antes ais ait ière ier e ë s ique iques ifications iquement ivement "
    "ablement ieusement iez âmes ât ît"
)
ENGLISH_STEMS = "nation relat condit happ gener commun arsen hop run fly agree feed test operat "
ENGLISH_STEMS += "digit sensit hope effect rational formal care use lay acquir"
ENGLISH_ENDINGS = (
    "al ally ization izer ational tional ness ful fulness ously ousness iveness ivity ability "
    "bly ly logy ing ingly ed edly eed eedly s es ies ied sses 's y e ement ment ent ance ence "
    "ism ate iti ive ize ion er ic able ible icate iciti ical ative alize li entli lessli fulli"
)


def generated_words(n: int = 6000) -> set[str]:
    words = {s + e for s in FRENCH_STEMS.split() for e in FRENCH_ENDINGS.split()}
    words |= {s + e for s in ENGLISH_STEMS.split() for e in ENGLISH_ENDINGS.split()}
    letters = "aeiouyâàëéêèïîôûùçœæbcdfghjklmnpqrstvwxzslntrqu"
    rng = random.Random(3)
    words |= {"".join(rng.choice(letters) for _ in range(rng.randint(2, 12))) for _ in range(n)}
    words |= {"İstanbul", "ŁÓDŹ", "straße", "Ægir", "naïve", "𝒜𝒷𝒸", "中文字", "x𝒜yé", "yeux",
              "ΣΊΣΥΦΟΣ", "ǅemal", "ﬁnance", "U.S.", "2.7.4", "a_b", "١٢٣", "Œuvre", "quand",
              "ennuie", "jouer", "GreenLake", "HPE", "États", "licenciés"}  # fmt: skip
    return words


def test_fast_analysis_equals_whoosh_chain():
    text = (REPO / "content" / "2020" / "10" / "hpe-licenciements-etats-unis.md").read_text()
    text += " U.S. 2.7.4 Œuvre naïve İstanbul straße " + " ".join(sorted(generated_words(500)))
    text = unicodedata.normalize("NFC", text)
    for group in GROUPS:
        whoosh_terms = [t.text for t in analysis.whoosh_analyzer(group)(text)]
        assert analysis.analyze(text, group) == whoosh_terms


# The token pattern as one would first write it, backtracking; analysis.TOKEN_RE never does.
PLAIN_TOKEN_RE = r"\w+(?:(?:[.&]|(?<=\d),(?=\d))\w+)*(?:\+\+(?!\w))?"


@given(st.text(alphabet="ab1_é.. -'’\u0301\u00a0x𝒜.&,+٣", max_size=40))
@settings(max_examples=500, deadline=None)
def test_tokens_are_cut_where_the_plain_pattern_cuts_them_in_whoosh(text):
    from whoosh.analysis import RegexTokenizer

    text = unicodedata.normalize("NFC", text)  # as the analysis reads every text
    assert analysis.tokens(text) == [t.text for t in RegexTokenizer(PLAIN_TOKEN_RE)(text)]


def test_what_readers_type_as_one_word_is_one_term():
    fr = analysis.analyze
    assert fr("AT&T souverain", "fr") == ["at&t", "souverain"]
    assert fr("R&D et M&A", "fr") == ["r&d", "m&a"]
    assert fr("1,3 milliard", "fr") == ["1,3", "milliard"]
    assert fr("1 milliard", "fr") == ["1", "milliard"]  # a digit alone is a number
    assert fr("C++ à l", "fr") == ["c++"]  # a letter alone is not a word
    assert analysis.tokens("a++b x& &y") == ["a", "b", "x", "y"]


def test_stemming_then_folding_meets_the_reader():
    fr = analysis.TERM["fr"]
    assert fr("licenciement") == fr("licenciés") == fr("licenciements") == "licenci"
    assert fr("États") == fr("etats") == "etat"
    assert fr("les") is None and fr("l") is None
    assert analysis.TERM["en"]("layoffs") == analysis.TERM["en"]("layoff")
    assert analysis.TERM["plain"]("Œuvre") == "oeuvre"


def test_an_accented_word_is_also_found_as_readers_type_it_without_accents():
    fr, alias = analysis.TERM["fr"], analysis.ALIAS["fr"]
    for accented, bare in [("sécurité", "securite"), ("données", "donnees"),
                           ("communiqué", "communique"), ("développement", "developpement")]:  # fmt: skip
        assert fr(bare) in (fr(accented), alias(accented)), (accented, bare)
    assert alias("securite") is None and alias("licenciés") != fr("licenciés")
    terms, aliases = analysis.analyze_with_aliases("La sécurité des données", "fr")
    assert terms == [fr("sécurité"), fr("données")]  # aliases take no position
    assert set(aliases) <= {alias("sécurité"), alias("données")} and aliases


def test_javascript_analysis_equals_python_on_every_word():
    words = sorted(sample_words() | bench_words() | generated_words())
    assert len(words) > 5000
    texts = [(REPO / "content" / "2020" / "10" / "hpe-licenciements-etats-unis.md").read_text()]
    texts += ["U.S.-based 2.7.4 l’usage d'infrastructure États-Unis e\u0301te\u0301 x__y a.b.c",
              "AT&T R&D 1,3 milliard 2019,a C++ a++b x& &y ٣,٤ 1 a é"]  # fmt: skip
    out = run_node(words, texts)
    assert out["tokens"] == [analysis.tokens(t) for t in texts]
    from whoosh.lang.snowball.english import EnglishStemmer
    from whoosh.lang.snowball.french import FrenchStemmer

    expected = {g: [analysis.TERM[g](w) for w in words] for g in GROUPS}
    expected |= {f"alias_{g}": [analysis.ALIAS[g](w) for w in words] for g in ("fr", "en")}
    expected["stem_fr"] = [FrenchStemmer().stem(w.lower()) for w in words]
    expected["stem_en"] = [EnglishStemmer().stem(w.lower()) for w in words]
    for key, values in expected.items():
        different = [(w, a, b) for w, a, b in zip(words, values, out[key], strict=True) if a != b]
        assert not different, f"{key}: {len(different)} words differ, e.g. {different[:10]}"


@pytest.mark.slow
def test_javascript_tokens_and_folding_equal_python_on_every_character():
    """Every assigned code point that Python counts as a word character, doubled (one letter
    is too short to index), gives the same term in both analyses."""
    words = [
        chr(c) * 2
        for c in range(0x110000)
        if not 0xD800 <= c <= 0xDFFF
        and unicodedata.category(chr(c)) != "Cn"
        and re.match(r"\w", chr(c))
    ]
    out = run_node(words)
    for group in GROUPS:
        different = [
            (w, a, b)
            for w, a, b in zip(words, [analysis.TERM[group](w) for w in words], out[group],
                               strict=True)
            if a != b
        ]  # fmt: skip
        assert not different, different[:10]


def test_query_words_drop_common_words_everywhere():
    kept, ignored = analysis.query_words("les licenciements de HPE the a")
    assert [w.text for w in kept] == ["licenciements", "hpe"]
    assert ignored == ["les", "de", "the", "a"]


def test_an_excerpt_never_doubles_punctuation_and_both_front_ends_cut_it_alike():
    from site_builder.search.excerpt import make_excerpt

    filler = "Le marché du calcul intensif progresse encore cette année dans le monde entier"
    cases = []
    for end in [".", ",", " :", ";", "!", "?", "…", ""]:
        # Every space follows `end`: wherever the passage is cut, it is cut after it.
        text = f"{filler} avec les supercalculateurs{end} " + f"calcul{end} " * 100
        cases.append([text, "fr", "supercalculateurs"])
    cases.append(
        [
            (REPO / "content" / "2020" / "10" / "hpe-licenciements-etats-unis.md").read_text(),
            "fr",
            "GreenLake",
        ]
    )
    python = []
    for text, lang, query in cases:
        found = make_excerpt(text, lang, analysis.query_words(query)[0])
        python.append({"text": found.text, "matches": [list(m) for m in found.matches]})
        assert not any(found.text.endswith(p + "…") for p in ".,;:!?… ")
    assert run_node([], [], cases)["excerpts"] == python
