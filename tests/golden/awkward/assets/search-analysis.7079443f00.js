/* Analysis for the browser search: tokens, accent folding, stop words and the French and
   English Snowball stemmers, a port of site_builder/search/analysis.py (with whoosh's reading of
   the stemmers) that gives exactly its terms; and the excerpt of a result, a port of
   site_builder/search/excerpt.py. The tables (stop lists, folding) come from the index's
   meta.bin through `configure`. No imports, no DOM: node runs it in the tests. */

export const WORD_RE = /[\p{L}\p{N}_]+(?:(?:[.&]|(?<=\p{Nd}),(?=\p{Nd}))[\p{L}\p{N}_]+)*(?:\+\+(?![\p{L}\p{N}_]))?/gu;
const NON_ASCII = /[^\x00-\x7f]/u;
const A = { minToken: 2, stop: { fr: new Set(), en: new Set(), plain: new Set() }, fold: {} };

export function configure(tables) {
  A.minToken = tables.minToken;
  A.stop = { fr: new Set(tables.stop.fr), en: new Set(tables.stop.en), plain: new Set() };
  A.fold = tables.fold;
  for (const g in TERM_CACHE) TERM_CACHE[g].clear();
}

export const nfc = (text) => text.normalize("NFC");
export const tokens = (text) => nfc(text).match(WORD_RE) || [];
const length = (s) => { let n = 0; for (const _ of s) n++; return n; };
// Shorter than minToken, unless a number (`1 milliard`): analysis.py's _too_short.
const tooShort = (s) => length(s) < A.minToken && !/^\p{Nd}+$/u.test(s);

export function fold(term) {
  if (!NON_ASCII.test(term)) return term;
  const bare = term.normalize("NFD").replace(/\p{Mn}/gu, "");
  return bare.replace(/[^\x00-\x7f]/gu, (c) => A.fold[c] ?? c);
}

// Python indexes strings by code point, JavaScript by UTF-16 unit: the stemmers run on words
// whose characters outside the BMP are swapped for private-use characters, then swapped back.
function byCodePoint(word, stem) {
  if (!/[\u{10000}-\u{10FFFF}]/u.test(word)) return stem(word);
  const swaps = new Map();
  let next = 0xe000;
  const chars = Array.from(word);
  const used = new Set(chars);
  const narrow = chars.map((c) => {
    if (c.length === 1) return c;
    if (!swaps.has(c)) {
      while (used.has(String.fromCharCode(next))) next++;
      swaps.set(c, String.fromCharCode(next++));
    }
    return swaps.get(c);
  }).join("");
  const back = new Map([...swaps].map(([wide, n]) => [n, wide]));
  return Array.from(stem(narrow), (c) => back.get(c) ?? c).join("");
}

// Index like Python: negative from the end; undefined when out of range.
const at = (s, i) => (i < 0 ? s[s.length + i] : s[i]);
const cut = (s, n) => s.slice(0, Math.max(0, s.length - n)); // Python s[:-n] for n > 0
const endsAny = (s, list) => list.find((x) => s.endsWith(x));

function regions(word, vowels) {
  // R1 after the first non-vowel following a vowel; R2 the same within R1.
  const after = (s) => {
    for (let i = 1; i < s.length; i++) {
      if (!vowels.includes(s[i]) && vowels.includes(s[i - 1])) return s.slice(i + 1);
    }
    return "";
  };
  const r1 = after(word);
  return [r1, after(r1)];
}

// French Snowball stemmer, with whoosh's reading of it (regions kept as strings, tested
// with `in`, and not always updated after a suffix is removed).
const FR_V = "aeiouyâàëéêèïîôûù";
const FR_1 = ("issements issement atrices atrice ateurs ations logies usions utions ements " +
  "amment emment ances iqUes ismes ables istes ateur ation logie usion ution ences ement " +
  "euses ments ance iqUe isme able iste ence ités ives eaux euse ment eux ité ive ifs aux if")
  .split(" ");
const FR_2A = ("issaIent issantes iraIent issante issants issions irions issais issait " +
  "issant issent issiez issons irais irait irent iriez irons iront isses issez îmes îtes " +
  "irai iras irez isse ies ira ît ie ir is it i").split(" ");
const FR_2B = ("eraIent assions erions assent assiez èrent erais erait eriez erons eront " +
  "aIent antes asses ions erai eras erez âmes âtes ante ants asse ées era iez ais ait ant " +
  "ée és er ez ât ai as é a").split(" ");
const FR_2B_E = new Set("eraIent erions èrent erais erait eriez erons eront erai eras erez ées era iez ée és er ez é".split(" "));
const FR_R2 = new Set("ance iqUe isme able iste eux ances iqUes ismes ables istes".split(" "));
const isFrV = (c) => c !== undefined && FR_V.includes(c);

export function frenchStem(input) {
  const w = Array.from(input.toLowerCase());
  for (let i = 1; i < w.length; i++) if (w[i - 1] === "q" && w[i] === "u") w[i] = "U";
  for (let i = 1; i < w.length - 1; i++) {
    if (isFrV(w[i - 1]) && isFrV(w[i + 1])) {
      if (w[i] === "u") w[i] = "U";
      else if (w[i] === "i") w[i] = "I";
    }
    if ((isFrV(w[i - 1]) || isFrV(w[i + 1])) && w[i] === "y") w[i] = "Y";
  }
  let word = w.join("");
  const [r1, r2] = regions(word, FR_V);
  let rv = "";
  if (word.length >= 2) {
    if (/^(par|col|tap)/.test(word) || (isFrV(word[0]) && isFrV(word[1]))) rv = word.slice(3);
    else {
      for (let i = 1; i < word.length; i++) if (isFrV(word[i])) { rv = word.slice(i + 1); break; }
    }
  }
  let step1 = false, rvEnding = false, step2a = false, step2b = false;
  const drop = (n) => { word = cut(word, n); };
  const s1 = endsAny(word, FR_1);
  if (s1 !== undefined) {
    const n = s1.length;
    if (s1 === "eaux") { drop(1); step1 = true; }
    else if (s1 === "euse" || s1 === "euses") {
      if (r2.includes(s1)) { drop(n); step1 = true; }
      else if (r1.includes(s1)) { word = cut(word, n) + "eux"; step1 = true; }
    } else if ((s1 === "ement" || s1 === "ements") && rv.includes(s1)) {
      drop(n); step1 = true;
      if (word.endsWith("iv") && r2.includes("iv")) {
        drop(2);
        if (word.endsWith("at") && r2.includes("at")) drop(2);
      } else if (word.endsWith("eus")) {
        if (r2.includes("eus")) drop(3);
        else if (r1.includes("eus")) word = cut(word, 1) + "x";
      } else if (word.endsWith("abl") || word.endsWith("iqU")) {
        if (r2.includes("abl") || r2.includes("iqU")) drop(3);
      } else if (word.endsWith("ièr") || word.endsWith("Ièr")) {
        if (rv.includes("ièr") || rv.includes("Ièr")) word = cut(word, 3) + "i";
      }
    } else if (s1 === "amment" && rv.includes(s1)) {
      word = cut(word, 6) + "ant"; rv = cut(rv, 6) + "ant"; rvEnding = true;
    } else if (s1 === "emment" && rv.includes(s1)) {
      word = cut(word, 6) + "ent"; rvEnding = true;
    } else if ((s1 === "ment" || s1 === "ments") && rv.includes(s1) && !rv.startsWith(s1) &&
               isFrV(at(rv, rv.lastIndexOf(s1) - 1))) {
      drop(n); rv = cut(rv, n); rvEnding = true;
    } else if (s1 === "aux" && r1.includes(s1)) {
      word = cut(word, 2) + "l"; step1 = true;
    } else if ((s1 === "issement" || s1 === "issements") && r1.includes(s1) &&
               !isFrV(at(word, -n - 1))) {
      drop(n); step1 = true;
    } else if (FR_R2.has(s1) && r2.includes(s1)) {
      drop(n); step1 = true;
    } else if (/^at(rices?|eurs?|ions?)$/.test(s1) && r2.includes(s1)) {
      drop(n); step1 = true;
      if (word.endsWith("ic")) word = r2.includes("ic") ? cut(word, 2) : cut(word, 2) + "iqU";
    } else if ((s1 === "logie" || s1 === "logies") && r2.includes(s1)) {
      word = cut(word, n) + "log"; step1 = true;
    } else if (/^u[st]ions?$/.test(s1) && r2.includes(s1)) {
      word = cut(word, n) + "u"; step1 = true;
    } else if ((s1 === "ence" || s1 === "ences") && r2.includes(s1)) {
      word = cut(word, n) + "ent"; step1 = true;
    } else if ((s1 === "ité" || s1 === "ités") && r2.includes(s1)) {
      drop(n); step1 = true;
      if (word.endsWith("abil")) word = r2.includes("abil") ? cut(word, 4) : cut(word, 2) + "l";
      else if (word.endsWith("ic")) word = r2.includes("ic") ? cut(word, 2) : cut(word, 2) + "iqU";
      else if (word.endsWith("iv")) { if (r2.includes("iv")) drop(2); }
    } else if (/^i(f|ve|fs|ves)$/.test(s1) && r2.includes(s1)) {
      drop(n); step1 = true;
      if (word.endsWith("at") && r2.includes("at")) {
        drop(2);
        if (word.endsWith("ic")) word = r2.includes("ic") ? cut(word, 2) : cut(word, 2) + "iqU";
      }
    }
  }
  if (!step1 || rvEnding) {
    const s2a = endsAny(word, FR_2A);
    if (s2a !== undefined && rv.includes(s2a) && rv.length > s2a.length &&
        !isFrV(at(rv, rv.lastIndexOf(s2a) - 1))) {
      drop(s2a.length); step2a = true;
    }
    if (!step2a) {
      const s2b = endsAny(rv, FR_2B);
      if (s2b !== undefined) {
        const n = s2b.length;
        if (s2b === "ions") {
          if (r2.includes("ions")) { drop(4); step2b = true; }
        } else if (FR_2B_E.has(s2b)) {
          drop(n); step2b = true;
        } else {
          drop(n); rv = cut(rv, n); step2b = true;
          if (rv.endsWith("e")) drop(1);
        }
      }
    }
  }
  if (step1 || step2a || step2b) {
    if (at(word, -1) === "Y") word = cut(word, 1) + "i";
    else if (at(word, -1) === "ç") word = cut(word, 1) + "c";
  } else {
    if (word.length >= 2 && at(word, -1) === "s" && !"aiouès".includes(at(word, -2))) drop(1);
    // The first of these that ends the word *inside RV* is the one that applies.
    const s4 = ["ière", "Ière", "ion", "ier", "Ier", "e", "ë"].find((x) => word.endsWith(x) && rv.includes(x));
    if (s4 !== undefined) {
      if (s4 === "ion") {
        if (r2.includes(s4) && "st".includes(at(rv, -4))) drop(3);
      } else if (s4 === "e") drop(1);
      else if (s4 === "ë") { if (word.slice(-3, -1) === "gu") drop(1); }
      else word = cut(word, s4.length) + "i";
    }
  }
  if (endsAny(word, ["enn", "onn", "ett", "ell", "eill"])) drop(1);
  for (let i = 1; i < word.length; i++) {
    const c = at(word, -i);
    if (isFrV(c)) {
      if (i !== 1 && (c === "é" || c === "è")) word = word.slice(0, word.length - i) + "e" + word.slice(word.length - i + 1);
      break;
    }
  }
  return word.replace(/I/g, "i").replace(/U/g, "u").replace(/Y/g, "y");
}

// English Snowball (Porter2) stemmer, with whoosh's reading of it.
const EN_V = "aeiouy";
const isEnV = (c) => c !== undefined && EN_V.includes(c);
const EN_SPECIAL = {
  skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl",
  gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky",
  news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes",
  inning: "inning", innings: "inning", outing: "outing", outings: "outing", canning: "canning",
  cannings: "canning", herring: "herring", herrings: "herring", earring: "earring",
  earrings: "earring", proceed: "proceed", proceeds: "proceed", proceeded: "proceed",
  proceeding: "proceed", exceed: "exceed", exceeds: "exceed", exceeded: "exceed",
  exceeding: "exceed", succeed: "succeed", succeeds: "succeed", succeeded: "succeed",
  succeeding: "succeed",
};
const EN_DOUBLE = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
const EN_2 = ("ization ational fulness ousness iveness tional biliti lessli entli ation alism " +
  "aliti ousli iviti fulli enci anci abli izer ator alli bli ogi li").split(" ");
const EN_2_TO = {
  enci: "ence", anci: "ance", abli: "able", izer: "ize", ization: "ize", ational: "ate",
  ation: "ate", ator: "ate", alism: "al", aliti: "al", alli: "al", ousli: "ous",
  ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble",
};
const EN_3 = "ational tional alize icate iciti ative ical ness ful".split(" ");
const EN_4 = ("ement ance ence able ible ment ant ent ism ate iti ous ive ize ion al er ic")
  .split(" ");

export function englishStem(input) {
  let word = input.toLowerCase();
  if (Object.prototype.hasOwnProperty.call(EN_SPECIAL, word)) return EN_SPECIAL[word];
  word = word.replace(/[\u2019\u2018\u201b]/g, "'");
  if (word.startsWith("'")) word = word.slice(1);
  if (word.startsWith("y")) word = "Y" + word.slice(1);
  const w = Array.from(word);
  for (let i = 1; i < w.length; i++) if (isEnV(w[i - 1]) && w[i] === "y") w[i] = "Y";
  word = w.join("");
  let r1, r2;
  const special = /^(gener|arsen|commun)/.exec(word);
  if (special) {
    r1 = word.slice(special[1].length);
    r2 = afterIn(r1);
  } else {
    [r1, r2] = regions(word, EN_V);
  }
  // Replace the last n characters of word, and of each region that is long enough
  // (otherwise it becomes `short`), with `by`.
  const swap = (n, by, short = "", shortR2 = short) => {
    word = cut(word, n) + by;
    r1 = r1.length >= n ? cut(r1, n) + by : short;
    r2 = r2.length >= n ? cut(r2, n) + by : shortR2;
  };
  const drop = (n) => { word = cut(word, n); r1 = cut(r1, n); r2 = cut(r2, n); };

  const s0 = endsAny(word, ["'s'", "'s", "'"]);
  if (s0 !== undefined) drop(s0.length);

  const s1a = endsAny(word, ["sses", "ied", "ies", "us", "ss", "s"]);
  if (s1a === "sses") drop(2);
  else if (s1a === "ied" || s1a === "ies") drop(length(cut(word, 3)) > 1 ? 2 : 1);
  else if (s1a === "s" && [...cut(word, 2)].some(isEnV)) drop(1);

  const s1b = endsAny(word, ["eedly", "ingly", "edly", "eed", "ing", "ed"]);
  if (s1b === "eed" || s1b === "eedly") {
    if (r1.endsWith(s1b)) swap(s1b.length, "ee");
  } else if (s1b !== undefined && [...cut(word, s1b.length)].some(isEnV)) {
    drop(s1b.length);
    if (endsAny(word, ["at", "bl", "iz"])) {
      word += "e"; r1 += "e";
      if (word.length > 5 || r1.length >= 3) r2 += "e";
    } else if (endsAny(word, EN_DOUBLE)) {
      drop(1);
    } else if (r1 === "" && ((word.length >= 3 && !isEnV(at(word, -1)) &&
        !"wxY".includes(at(word, -1)) && isEnV(at(word, -2)) && !isEnV(at(word, -3))) ||
        (word.length === 2 && isEnV(word[0]) && !isEnV(word[1])))) {
      word += "e";
      if (r1.length > 0) r1 += "e";
      if (r2.length > 0) r2 += "e";
    }
  }

  if (word.length > 2 && "yY".includes(at(word, -1)) && !isEnV(at(word, -2))) swap(1, "i");

  const s2 = endsAny(word, EN_2);
  if (s2 !== undefined && r1.endsWith(s2)) {
    if (s2 === "tional" || s2 === "entli" || s2 === "fulli" || s2 === "lessli") drop(2);
    else if (s2 === "fulness") drop(4);
    else if (s2 === "ogi") { if (at(word, -4) === "l") drop(1); }
    else if (s2 === "li") { if ("cdeghkmnrt".includes(at(word, -3))) drop(2); }
    else if (s2 === "enci" || s2 === "anci" || s2 === "abli") swap(1, "e");
    else {
      const eQuirk = ["ational", "ation", "ator", "iveness", "iviti"].includes(s2);
      swap(s2.length, EN_2_TO[s2], "", eQuirk ? "e" : "");
    }
  }

  const s3 = endsAny(word, EN_3);
  if (s3 !== undefined && r1.endsWith(s3)) {
    if (s3 === "tional") drop(2);
    else if (s3 === "ational") swap(7, "ate");
    else if (s3 === "alize") drop(3);
    else if (s3 === "icate" || s3 === "iciti" || s3 === "ical") swap(s3.length, "ic");
    else if (s3 === "ful" || s3 === "ness") drop(s3.length);
    else if (s3 === "ative" && r2.endsWith(s3)) drop(5);
  }

  const s4 = endsAny(word, EN_4);
  if (s4 !== undefined && r2.endsWith(s4)) {
    if (s4 !== "ion") drop(s4.length);
    else if ("st".includes(at(word, -4))) drop(3);
  }

  if (r2.endsWith("l") && at(word, -2) === "l") word = cut(word, 1);
  else if (r2.endsWith("e")) word = cut(word, 1);
  else if (r1.endsWith("e") && word.length >= 4 && (isEnV(at(word, -2)) ||
           "wxY".includes(at(word, -2)) || !isEnV(at(word, -3)) || isEnV(at(word, -4)))) {
    word = cut(word, 1);
  }
  return word.replace(/Y/g, "y");
}

function afterIn(r1) {
  // R2 for the gener/arsen/commun exception: the region rule applied within R1.
  for (let i = 1; i < r1.length; i++) {
    if (!isEnV(r1[i]) && isEnV(r1[i - 1])) return r1.slice(i + 1);
  }
  return "";
}

const STEM = { fr: frenchStem, en: englishStem };
const TERM_CACHE = { fr: new Map(), en: new Map(), plain: new Map() };

export function term(token, group) {
  const cache = TERM_CACHE[group];
  if (cache.has(token)) return cache.get(token);
  const lowered = token.toLowerCase();
  let result = null;
  if (!tooShort(lowered) && !A.stop[group].has(lowered)) {
    const stem = STEM[group];
    result = fold(stem ? byCodePoint(lowered, stem) : lowered);
  }
  if (cache.size > 50000) cache.clear();
  cache.set(token, result);
  return result;
}

// The term of a token's accent-free spelling when it differs from the token's own term (the
// index holds it too: `sécurité` is found by `securite`), else null. analysis.py: _Aliases.
export function alias(token, group) {
  const stem = STEM[group], own = term(token, group);
  if (!stem || own === null) return null;
  const lowered = token.toLowerCase(), folded = fold(lowered);
  if (folded === lowered) return null;
  const other = byCodePoint(folded, stem);
  return other === own ? null : other;
}

export const analyze = (text, group) => tokens(text).map((t) => term(t, group)).filter((t) => t !== null);
export const groupOf = (lang) => {
  const base = String(lang).split("-")[0].toLowerCase();
  return base === "fr" || base === "en" ? base : "plain";
};
export const nameKey = (name) => tokens(name).map((t) => fold(t.toLowerCase())).join(" ");
export const GROUPS = ["fr", "en", "plain"];

export function queryWords(text) {
  const kept = [], ignored = [];
  for (const token of tokens(text)) {
    const lowered = token.toLowerCase();
    if (tooShort(lowered) || A.stop.fr.has(lowered) || A.stop.en.has(lowered)) {
      ignored.push(lowered);
    } else {
      const terms = {};
      for (const g of GROUPS) terms[g] = term(token, g);
      kept.push({ text: lowered, terms });
    }
  }
  return [kept, ignored];
}

// The best passage of a fragment's text and where the query's words are in it.
const EXCERPT_CHARS = 240, LEAD_CHARS = 60;
export function excerpt(text, lang, words) {
  text = nfc(text.split(/[ \t\n\v\f\r]+/u).filter(Boolean).join(" ")); // no-break spaces stay
  const group = groupOf(lang);
  const wanted = new Set(words.map((w) => w.terms[group]).filter((t) => t !== null));
  const found = [];
  for (const m of text.matchAll(WORD_RE)) {
    const t = term(m[0], group);
    if (t === null) continue;
    const a = wanted.has(t) ? t : alias(m[0], group);
    if (a !== null && wanted.has(a)) found.push([m.index, m.index + m[0].length, a]);
  }
  let start = 0, keep = 0;
  if (found.length) {
    let best = 0, bestScore = -1;
    found.forEach(([s], i) => {
      const window = new Set(found.slice(i).filter(([x]) => x < s + EXCERPT_CHARS - LEAD_CHARS).map((f) => f[2]));
      if (window.size > bestScore) { best = i; bestScore = window.size; }
    });
    keep = found[best][0];
    start = Math.max(0, keep - LEAD_CHARS);
    if (start > 0) {
      const space = text.indexOf(" ", start);
      if (space >= 0 && space < keep) start = space + 1;
    }
  }
  let end = Math.min(text.length, start + EXCERPT_CHARS);
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end - 1);
    if (space > keep && space > start) end = space;
  }
  const prefix = start > 0 ? "…" : "";
  let suffix = end < text.length ? "…" : "";
  if (suffix) {
    // As excerpt.py: no ellipsis after a sentence's end; a comma or colon gives way to it.
    const kept = text.slice(start, end).replace(/[ .,;:!?…]+$/u, "");
    const cut = text.slice(start + kept.length, end).replace(/^ +/u, "").slice(0, 1);
    if (".!?…".includes(cut) && cut !== "") suffix = "";
    else if (start + kept.length > keep) end = start + kept.length;
  }
  const shift = prefix.length - start;
  const matches = found.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s + shift, e + shift]);
  return { text: prefix + text.slice(start, end) + suffix, matches };
}
