/* Search for the static archive: reads the index under search/ (format: site_builder/search/
   export.py) and ranks exactly as `site-builder search` does. One file, no framework, no
   dependencies. Sections: analysis (a port of search/analysis.py with whoosh's Snowball
   stemmers), query language (port of search/query.py), index and scoring, page. */
(function (root) {
  "use strict";

  // ---- analysis ----------------------------------------------------------------------------
  const WORD_RE = /[\p{L}\p{N}_]+(?:\.?[\p{L}\p{N}_]+)*/gu;
  const NON_ASCII = /[^\x00-\x7f]/u;
  const A = { minToken: 2, stop: { fr: new Set(), en: new Set(), plain: new Set() }, fold: {} };

  function configure(tables) {
    A.minToken = tables.minToken;
    A.stop = { fr: new Set(tables.stop.fr), en: new Set(tables.stop.en), plain: new Set() };
    A.fold = tables.fold;
    for (const g in TERM_CACHE) TERM_CACHE[g].clear();
  }

  const nfc = (text) => text.normalize("NFC");
  const tokens = (text) => nfc(text).match(WORD_RE) || [];
  const length = (s) => { let n = 0; for (const _ of s) n++; return n; };

  function fold(term) {
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

  function frenchStem(input) {
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

  function englishStem(input) {
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

  function term(token, group) {
    const cache = TERM_CACHE[group];
    if (cache.has(token)) return cache.get(token);
    const lowered = token.toLowerCase();
    let result = null;
    if (length(lowered) >= A.minToken && !A.stop[group].has(lowered)) {
      const stem = STEM[group];
      result = fold(stem ? byCodePoint(lowered, stem) : lowered);
    }
    if (cache.size > 50000) cache.clear();
    cache.set(token, result);
    return result;
  }

  const analyze = (text, group) => tokens(text).map((t) => term(t, group)).filter((t) => t !== null);
  const groupOf = (lang) => {
    const base = String(lang).split("-")[0].toLowerCase();
    return base === "fr" || base === "en" ? base : "plain";
  };
  const nameKey = (name) => tokens(name).map((t) => fold(t.toLowerCase())).join(" ");
  const GROUPS = ["fr", "en", "plain"];

  function queryWords(text) {
    const kept = [], ignored = [];
    for (const token of tokens(text)) {
      const lowered = token.toLowerCase();
      if (length(lowered) < A.minToken || A.stop.fr.has(lowered) || A.stop.en.has(lowered)) {
        ignored.push(lowered);
      } else {
        const terms = {};
        for (const g of GROUPS) terms[g] = term(token, g);
        kept.push({ text: lowered, terms });
      }
    }
    return [kept, ignored];
  }

  // ---- query language (search/query.py) ------------------------------------------------------
  const MAX_QUERY_CHARS = 500, MAX_WORDS = 24;
  const FIELD_NAMES = {
    company: "company", entreprise: "company", source: "source", tag: "tag", theme: "tag",
    "thème": "tag", year: "year", annee: "year", "année": "year",
  };

  class QueryProblem extends Error {
    constructor(code, kind, params = {}) {
      super(code);
      this.code = code;
      this.kind = kind;
      this.params = params;
    }
  }
  const syntax = (code, params) => new QueryProblem(code, "syntax", params);
  const notice = (code, params) => new QueryProblem(code, "notice", params);
  const isSpace = (c) => /\s/u.test(c);

  function lex(text) {
    const out = [];
    let i = 0;
    const n = text.length;
    const closing = (from) => {
      const end = text.indexOf('"', from + 1);
      if (end < 0) throw syntax("unclosed_quote", { column: from + 1 });
      return end;
    };
    while (i < n) {
      const c = text[i];
      if (isSpace(c)) i++;
      else if (c === "(" || c === ")") { out.push({ kind: c === "(" ? "open" : "close", text: c, column: i + 1 }); i++; }
      else if (c === '"') {
        const end = closing(i);
        out.push({ kind: "phrase", text: text.slice(i + 1, end), column: i + 1 });
        i = end + 1;
      } else {
        const start = i;
        while (i < n && !isSpace(text[i]) && !'()"'.includes(text[i])) i++;
        const word = text.slice(start, i);
        const colon = word.indexOf(":");
        const name = colon >= 0 ? word.slice(0, colon).toLowerCase() : "";
        if (colon >= 0 && Object.prototype.hasOwnProperty.call(FIELD_NAMES, name)) {
          let value = word.slice(colon + 1);
          if (!value && i < n && text[i] === '"') {
            const end = closing(i);
            value = text.slice(i + 1, end);
            i = end + 1;
          }
          out.push({ kind: "field", text: FIELD_NAMES[name], column: start + 1, value });
        } else if (word === "AND" || word === "OR" || word === "NOT") {
          out.push({ kind: "op", text: word, column: start + 1 });
        } else if (word.startsWith("-") && word.length > 1 && tokens(word.slice(1)).length) {
          out.push({ kind: "op", text: "NOT", column: start + 1 });
          i = start + 1;
        } else {
          out.push({ kind: "word", text: word, column: start + 1 });
        }
      }
    }
    return out;
  }

  function combine(kind, items) {
    const kept = items.filter((x) => x !== null);
    if (!kept.length) return null;
    return kept.length === 1 ? kept[0] : { kind, items: kept };
  }

  function resolveNames(value, names) {
    const key = nameKey(value), slug = value.trim().toLowerCase();
    const found = [];
    for (const [name, s, aliases] of names) {
      if (s === slug || (key && [name, ...aliases].some((x) => nameKey(x) === key))) {
        if (!found.includes(s)) found.push(s);
      }
    }
    return found;
  }

  function parse(text, facets) {
    if (text.length > MAX_QUERY_CHARS) throw notice("too_long", { length: text.length, max: MAX_QUERY_CHARS });
    if (!text.trim()) throw notice("empty");
    if (!tokens(text).length) throw notice("nothing", { ignored: [] });
    const toks = lex(text);
    let pos = 0;
    const ignored = [];
    const fieldsUsed = new Set();
    const peek = () => toks[pos];
    const startsUnary = (t) => t !== undefined &&
      (["word", "phrase", "field", "open"].includes(t.kind) || (t.kind === "op" && t.text === "NOT"));

    function parseOr() {
      const items = [parseAnd()];
      let t;
      while ((t = peek()) && t.kind === "op" && t.text === "OR") {
        pos++;
        if (!startsUnary(peek())) throw syntax("dangling_operator", { operator: "OR", column: t.column });
        items.push(parseAnd());
      }
      return combine("or", items);
    }
    function parseAnd() {
      const first = peek();
      if (!startsUnary(first)) {
        if (first === undefined) throw syntax("dangling_operator", { operator: "", column: 0 });
        if (first.kind === "close") {
          const empty = pos > 0 && toks[pos - 1].kind === "open";
          throw syntax(empty ? "empty_group" : "unbalanced_paren", { column: first.column });
        }
        throw syntax("dangling_operator", { operator: first.text, column: first.column });
      }
      const items = [parseUnary()];
      for (;;) {
        const t = peek();
        if (t && t.kind === "op" && t.text === "AND") {
          pos++;
          if (!startsUnary(peek())) throw syntax("dangling_operator", { operator: "AND", column: t.column });
          items.push(parseUnary());
        } else if (startsUnary(t)) items.push(parseUnary());
        else break;
      }
      return combine("and", items);
    }
    function parseUnary() {
      const t = toks[pos++];
      if (t.kind === "op") {
        if (!startsUnary(peek())) throw syntax("dangling_operator", { operator: "NOT", column: t.column });
        const item = parseUnary();
        return item === null ? null : { kind: "not", item };
      }
      if (t.kind === "open") {
        const node = parseOr();
        const c = peek();
        if (!c || c.kind !== "close") throw syntax("missing_paren", { column: t.column });
        pos++;
        return node;
      }
      if (t.kind === "field") return filter(t);
      return textNode(t.text);
    }
    function textNode(text) {
      const [words, dropped] = queryWords(text);
      ignored.push(...dropped);
      if (!words.length) return null;
      const groups = {};
      for (const g of GROUPS) groups[g] = analyze(text, g);
      if (words.length === 1 && GROUPS.every((g) => groups[g].length <= 1)) {
        return { kind: "word", word: words[0] };
      }
      return { kind: "phrase", text, words, groups };
    }
    function filter(t) {
      const kind = t.text, value = t.value.trim();
      if (!value) throw syntax("empty_filter", { field: kind, column: t.column });
      if (kind === "year") {
        const m = /^(\d{4})(?:\.\.(\d{4}))?$/.exec(value);
        if (!m) throw syntax("bad_year", { value });
        let first = +m[1], last = +(m[2] || m[1]);
        if (last < first) [first, last] = [last, first];
        return { kind: "filter", field: "year", keys: [first, last], label: value };
      }
      fieldsUsed.add(kind);
      if (!facets) return { kind: "filter", field: kind, keys: null, label: value };
      const slugs = resolveNames(value, facets[kind].names);
      if (!slugs.length) throw notice("unknown_value", { field: kind, value });
      return { kind: "filter", field: kind, keys: slugs, label: value };
    }

    const tree = parseOr();
    const rest = peek();
    if (rest !== undefined) {
      if (rest.kind === "close") throw syntax("unbalanced_paren", { column: rest.column });
      throw syntax("unexpected", { column: rest.column, text: rest.text });
    }
    const uniqueIgnored = [...new Set(ignored)];
    if (tree === null) throw notice("nothing", { ignored: uniqueIgnored });
    const n = countWords(tree);
    if (n > MAX_WORDS) throw notice("too_many", { count: n, max: MAX_WORDS });
    return { tree, ignored: uniqueIgnored, needsFacets: fieldsUsed.size > 0 || needsUniverse(tree) };
  }

  function countWords(node) {
    switch (node.kind) {
      case "word": return 1;
      case "phrase": return Math.max(...GROUPS.map((g) => node.groups[g].length));
      case "and": case "or": return node.items.reduce((s, i) => s + countWords(i), 0);
      case "not": return countWords(node.item);
      default: return 0;
    }
  }

  // Year filters and NOTs select from what their AND siblings found; alone (or under OR) they
  // select from every document, whose list comes with the facets.
  const isPredicate = (node) => node.kind === "not" || (node.kind === "filter" && node.field === "year");
  function needsUniverse(node) {
    if (isPredicate(node)) return true;
    if (node.kind === "or") return node.items.some(needsUniverse);
    if (node.kind === "and") {
      const sets = node.items.filter((i) => !isPredicate(i));
      return !sets.length || sets.some(needsUniverse);
    }
    return false;
  }

  function queryWordsOf(tree) {
    const out = [];
    (function walk(node) {
      if (node.kind === "word") out.push(node.word);
      else if (node.kind === "phrase") out.push(...node.words);
      else if (node.kind === "and" || node.kind === "or") node.items.forEach(walk);
    })(tree);
    return out;
  }

  // ---- index and scoring -----------------------------------------------------------------------
  const SLOTS = 4096;
  const LENGTHS = Array.from({ length: 256 }, (_, n) => Math.round((Math.pow(1.033, n) - 1) * 27));
  LENGTHS[255] = 106374;

  function bm25(idf, tf, fl, avgfl, b, k1) {
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)));
  }
  const rankKey = (score) => Math.floor(score * 1e6 + 0.5);

  function dayOrdinal(year, month, day) {
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    return Math.floor(d.getTime() / 86400000) + 719163;
  }
  function yearOf(id) {
    const d = new Date((Math.floor(id / SLOTS) - 719163) * 86400000);
    return d.getUTCFullYear();
  }

  async function inflate(buffer) {
    const bytes = new Uint8Array(buffer);
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // the server already decoded it
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  class Reader {
    constructor(bytes) { this.b = bytes; this.p = 0; }
    varint() {
      let result = 0, scale = 1, byte;
      do {
        byte = this.b[this.p++];
        result += (byte & 0x7f) * scale;
        scale *= 128;
      } while (byte & 0x80);
      return result;
    }
  }

  function readShard(bytes) {
    const r = new Reader(bytes);
    const count = r.varint();
    const terms = new Map();
    const decoder = new TextDecoder();
    let previous = new Uint8Array(0);
    for (let i = 0; i < count; i++) {
      const shared = r.varint(), rest = r.varint();
      const raw = new Uint8Array(shared + rest);
      raw.set(previous.subarray(0, shared));
      raw.set(bytes.subarray(r.p, r.p + rest), shared);
      r.p += rest;
      const size = r.varint();
      terms.set(decoder.decode(raw), bytes.subarray(r.p, r.p + size));
      r.p += size;
      previous = raw;
    }
    return terms;
  }

  // One term's postings block (see export.py): field number → {ids, tfs, lens}.
  function readBlock(block, start = 0) {
    const r = new Reader(block);
    r.p = start;
    const n = r.varint();
    const days = new Array(n), ids = new Array(n), masks = new Array(n);
    let day = 0, slot = 0, all = 0;
    for (let i = 0; i < n; i++) days[i] = day += r.varint();
    for (let i = 0; i < n; i++) {
      // A document's own slot on a new day, else the slots skipped since the previous one.
      const value = r.varint();
      slot = i && days[i] === days[i - 1] ? slot + 1 + value : value;
      ids[i] = days[i] * SLOTS + slot;
    }
    for (let i = 0; i < n; i++) all |= masks[i] = r.varint();
    const fields = new Map();
    for (let f = 0; 1 << f <= all; f++) {
      const bit = 1 << f;
      if (!(all & bit)) continue;
      const fieldIds = ids.filter((_, i) => masks[i] & bit);
      const tfs = fieldIds.map(() => r.varint());
      const lens = block.subarray(r.p, r.p + fieldIds.length);
      r.p += fieldIds.length;
      fields.set(f, { ids: fieldIds, tfs, lens });
    }
    return fields;
  }

  // A term's entry (see export.py): its whole block, or a common term's head: how many
  // documents have it in each field, its tail file, the tail's frontier, and the head's block.
  function readEntry(entry) {
    const r = new Reader(entry);
    if (r.varint() === 0) return { fields: readBlock(entry, r.p), head: null };
    const total = r.varint(), df = new Map();
    for (let n = r.varint(); n > 0; n--) { const f = r.varint(); df.set(f, r.varint()); }
    const size = r.varint();
    const tail = new TextDecoder().decode(entry.subarray(r.p, r.p + size));
    r.p += size;
    const front = [];
    for (let m = r.varint(); m > 0; m--) {
      const vector = [];
      for (let w = r.varint(); w > 0; w--) {
        const f = r.varint(), tf = r.varint();
        vector.push([f, tf, entry[r.p++]]);
      }
      front.push(vector);
    }
    const fields = readBlock(entry, r.p);
    const docs = new Set();
    for (const p of fields.values()) p.ids.forEach((id) => docs.add(id));
    return { fields, head: { total, df, tail, front, docs } };
  }

  // A field's postings from two blocks holding different documents, in id order.
  function mergePostings(a, b) {
    if (!a) return b;
    if (!b) return a;
    const order = [...a.ids.keys()].map((i) => [a.ids[i], a.tfs[i], a.lens[i]])
      .concat([...b.ids.keys()].map((i) => [b.ids[i], b.tfs[i], b.lens[i]]))
      .sort((x, y) => x[0] - y[0]);
    return { ids: order.map((x) => x[0]), tfs: order.map((x) => x[1]), lens: order.map((x) => x[2]) };
  }

  // A word, or words that must all match: what the heads of common terms can settle.
  const isSimple = (node) => node.kind === "word" ||
    (node.kind === "and" && node.items.every((i) => i.kind === "word"));

  class SearchIndex {
    constructor(base, fetcher) {
      this.base = base;
      this.fetch = fetcher || ((url) => fetch(url).then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${url}`);
        return r.arrayBuffer();
      }));
      this.shards = new Map();
      this.blocks = new Map();
      this.fragments = new Map();
      this.facets = null;
    }
    async load() {
      this.meta = JSON.parse(new TextDecoder().decode(await inflate(await this.fetch(this.base + "meta.bin"))));
      configure(this.meta.analysis);
      this.fields = this.meta.fields.map(([name, group, boost], number) => ({ name, group, boost, number }));
      this.dirs = new Map();
      return this;
    }
    // The shard holding term t: the directory for t's range, then the shard within it.
    async shardOf(t) {
      const [, dirName] = lookup(this.meta.dirs, t);
      if (!this.dirs.has(dirName)) {
        this.dirs.set(dirName, this.fetch(`${this.base}dirs/${dirName}.bin`).then(inflate)
          .then((bytes) => JSON.parse(new TextDecoder().decode(bytes))));
      }
      return lookup(await this.dirs.get(dirName), t)[1];
    }
    shard(name) {
      if (!this.shards.has(name)) {
        this.shards.set(name, this.fetch(`${this.base}shards/${name}.bin`).then(inflate).then(readShard));
      }
      return this.shards.get(name);
    }
    async postings(terms) {
      const wanted = [...new Set(terms)].filter((t) => !this.blocks.has(t));
      const shards = await Promise.all(wanted.map(async (t) => this.shard(await this.shardOf(t))));
      wanted.forEach((t, i) => {
        const entry = shards[i].get(t);
        this.blocks.set(t, entry ? readEntry(entry) : { fields: new Map(), head: null });
      });
    }
    // Fetch the tails of the common terms among `terms`: their lists are then whole.
    async tails(terms) {
      const heads = [...new Set(terms)].filter((t) => this.blocks.get(t).head);
      await Promise.all(heads.map(async (t) => {
        const entry = this.blocks.get(t);
        if (!entry.head) return;
        const bytes = await inflate(await this.fetch(`${this.base}tails/${entry.head.tail}.bin`));
        if (!entry.head) return; // a concurrent search merged it meanwhile
        const tail = readBlock(bytes);
        const fields = new Map();
        for (const f of new Set([...entry.fields.keys(), ...tail.keys()])) {
          fields.set(f, mergePostings(entry.fields.get(f), tail.get(f)));
        }
        entry.fields = fields;
        entry.head = null;
      }));
    }
    // How many documents have term t in field f.
    df(t, f) {
      const entry = this.blocks.get(t);
      if (entry.head) return entry.head.df.get(f) || 0;
      const p = entry.fields.get(f);
      return p ? p.ids.length : 0;
    }
    // The most that documents in the tail of term t can add to the score of `word`: the best of
    // the tail's frontier vectors, over the fields where the word looks for t.
    tailBound(t, word) {
      const groups = new Set(GROUPS.filter((g) => word.terms[g] === t));
      const entry = this.blocks.get(t);
      let best = 0;
      for (const vector of entry.head.front) {
        let s = 0;
        for (const [f, tf, len] of vector) {
          const field = this.fields[f];
          if (!groups.has(field.group)) continue;
          s += field.boost * bm25(this.idf(this.df(t, f)), tf, LENGTHS[len], this.meta.avg[f], this.meta.b, this.meta.k1);
        }
        best = Math.max(best, s);
      }
      return best;
    }
    // The start of the ranking that the heads already decide exactly, for a word or words
    // that must all match (`ids` ranked by `scores`, from the heads): a document scoring more
    // than any document a tail could add or raise. Also a lower bound on the number of results.
    settle(tree, scores, ids) {
      const words = tree.kind === "word" ? [tree.word] : tree.items.map((i) => i.word);
      const info = words.map((word) => {
        const tailed = [];
        for (const t of new Set(GROUPS.map((g) => word.terms[g]))) {
          if (t !== null && this.blocks.get(t).head) tailed.push([t, this.tailBound(t, word)]);
        }
        let known = 0;
        for (const s of this.wordScores(word.terms).values()) known = Math.max(known, s);
        const tails = tailed.reduce((sum, [, bound]) => sum + bound, 0);
        return { tailed, known, tails };
      });
      // A document outside the results misses some word w in every head: a tail may add it.
      let limit = -Infinity;
      info.forEach((w, i) => {
        if (!w.tailed.length) return;
        const others = info.reduce((sum, o, j) => (j === i ? sum : sum + o.known + o.tails), 0);
        limit = Math.max(limit, w.tails + others);
      });
      const missing = (id) => info.reduce((sum, w) =>
        sum + w.tailed.reduce((m, [t, bound]) => (this.blocks.get(t).head.docs.has(id) ? m : m + bound), 0), 0);
      const exact = [];
      for (const id of ids) {
        const more = missing(id);
        if (more === 0) exact.push(id);
        else limit = Math.max(limit, scores.get(id) + more);
      }
      const margin = (x) => x + Math.abs(x) * 1e-9 + 1e-9;
      const settled = exact.filter((id) => scores.get(id) > margin(limit));
      let least = scores.size;
      if (words.length === 1) {
        for (const field of this.fields) {
          const t = words[0].terms[field.group];
          if (t !== null) least = Math.max(least, this.df(t, field.number));
        }
      }
      return { settled, least };
    }
    loadFacets() {
      if (!this.facets) {
        this.facets = this.fetch(this.base + this.meta.facets).then(inflate).then((bytes) => {
          const data = JSON.parse(new TextDecoder().decode(bytes));
          let last = 0;
          data.ids = data.ids.map((d) => (last += d));
          return data;
        });
      }
      return this.facets;
    }
    fragment(id) {
      if (!this.fragments.has(id)) {
        this.fragments.set(id, this.fetch(`${this.base}docs/${id}.bin`).then(inflate)
          .then((bytes) => JSON.parse(new TextDecoder().decode(bytes))));
      }
      return this.fragments.get(id);
    }
    idf(df) { return Math.log(this.meta.n / (df + 1)) + 1; }

    wordScores(terms) {
      const scores = new Map();
      for (const f of this.fields) {
        const t = terms[f.group];
        const p = t === null ? undefined : this.blocks.get(t).fields.get(f.number);
        if (!p) continue;
        const idf = this.idf(this.df(t, f.number)), avg = this.meta.avg[f.number];
        for (let i = 0; i < p.ids.length; i++) {
          const s = f.boost * bm25(idf, p.tfs[i], LENGTHS[p.lens[i]], avg, this.meta.b, this.meta.k1);
          scores.set(p.ids[i], (scores.get(p.ids[i]) || 0) + s);
        }
      }
      return scores;
    }
    // Documents where one field holds every term of the phrase (the browser has no positions:
    // the command line also checks that they are adjacent).
    phraseDocs(node) {
      const docs = new Set();
      for (const f of this.fields) {
        const terms = node.groups[f.group];
        if (!terms.length) continue;
        const lists = terms.map((t) => this.blocks.get(t).fields.get(f.number));
        if (lists.some((l) => !l)) continue;
        let common = new Set(lists[0].ids);
        for (const l of lists.slice(1)) {
          const next = new Set(l.ids);
          common = new Set([...common].filter((id) => next.has(id)));
        }
        common.forEach((id) => docs.add(id));
      }
      return docs;
    }
    termsOf(tree) {
      const out = [];
      (function walk(node) {
        if (node.kind === "word") GROUPS.forEach((g) => node.word.terms[g] !== null && out.push(node.word.terms[g]));
        else if (node.kind === "phrase") {
          node.words.forEach((w) => walk({ kind: "word", word: w }));
          GROUPS.forEach((g) => out.push(...node.groups[g]));
        } else if (node.kind === "and" || node.kind === "or") node.items.forEach(walk);
        else if (node.kind === "not") walk(node.item);
      })(tree);
      return out;
    }
    // Map id → score for a parsed tree; `facets` is loaded when the tree needs it.
    evaluate(node, facets) {
      switch (node.kind) {
        case "word": return this.wordScores(node.word.terms);
        case "phrase": {
          const allowed = this.phraseDocs(node);
          let result = null;
          for (const w of node.words) result = intersect(result, this.wordScores(w.terms));
          for (const id of [...result.keys()]) if (!allowed.has(id)) result.delete(id);
          return result;
        }
        case "filter": {
          const out = new Map();
          if (node.field === "year") {
            const inYears = yearTest(node.keys);
            for (const id of facets.ids) if (inYears(id)) out.set(id, 0);
            return out;
          }
          const kind = facets[node.field];
          const wanted = new Set(node.keys.map((slug) => kind.names.findIndex((n) => n[1] === slug)));
          facets.ids.forEach((id, i) => { if (kind.docs[i].some((v) => wanted.has(v))) out.set(id, 0); });
          return out;
        }
        case "and": {
          let result = null;
          for (const item of node.items.filter((i) => !isPredicate(i))) {
            result = intersect(result, this.evaluate(item, facets));
          }
          if (result === null) result = new Map(facets.ids.map((id) => [id, 0]));
          for (const item of node.items.filter(isPredicate)) {
            if (item.kind === "filter") {
              const inYears = yearTest(item.keys);
              for (const id of [...result.keys()]) if (!inYears(id)) result.delete(id);
            } else {
              for (const id of this.evaluate(item.item, facets).keys()) result.delete(id);
            }
          }
          return result;
        }
        case "or": {
          const result = new Map();
          for (const item of node.items) {
            for (const [id, s] of this.evaluate(item, facets)) result.set(id, (result.get(id) || 0) + s);
          }
          return result;
        }
        case "not": {
          const excluded = this.evaluate(node.item, facets);
          return new Map(facets.ids.filter((id) => !excluded.has(id)).map((id) => [id, 0]));
        }
      }
      throw new Error(node.kind);
    }

    // Parse, fetch what the query needs, score: {ids (ranked), scores, parsed}. Common terms
    // come as heads first: when they settle the first `need` results, the answer is `partial`
    // (`ids` is the settled start of the ranking, `least` a lower bound on the count); with
    // `whole`, a date sort or a query beyond words, the tails are fetched and `ids` is whole.
    async search(text, sort, whole = false, need = 10) {
      let parsed = parse(text, null);
      let facets = null;
      if (parsed.needsFacets) {
        facets = await this.loadFacets();
        parsed = parse(text, facets);
      }
      const terms = this.termsOf(parsed.tree);
      await this.postings(terms);
      const quick = !whole && sort !== "date" && isSimple(parsed.tree);
      if (!quick) await this.tails(terms);
      for (;;) {
        const scores = this.evaluate(parsed.tree, facets);
        const ids = [...scores.keys()];
        if (sort === "date") ids.sort((a, b) => b - a);
        else ids.sort((a, b) => rankKey(scores.get(b)) - rankKey(scores.get(a)) || b - a);
        if (!terms.some((t) => this.blocks.get(t).head)) return { ids, scores, parsed };
        const { settled, least } = this.settle(parsed.tree, scores, ids);
        if (settled.length >= need) return { ids: settled, scores, parsed, partial: true, least };
        await this.tails(terms);
      }
    }
  }

  function yearTest([first, last]) {
    const low = dayOrdinal(first, 1, 1) * SLOTS, high = dayOrdinal(last + 1, 1, 1) * SLOTS;
    return (id) => id >= low && id < high;
  }

  // The last [first, name] entry whose first term is <= t (entries are in term order).
  function lookup(table, t) {
    let lo = 0, hi = table.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (table[mid][0] <= t) lo = mid; else hi = mid - 1;
    }
    return table[lo];
  }

  function intersect(a, b) {
    if (a === null) return b;
    const out = new Map();
    for (const [id, s] of a) if (b.has(id)) out.set(id, s + b.get(id));
    return out;
  }

  // The best passage of a fragment's text and where the query's words are in it.
  const EXCERPT_CHARS = 240, LEAD_CHARS = 60;
  function excerpt(text, lang, words) {
    text = nfc(text.split(/\s+/u).filter(Boolean).join(" "));
    const group = groupOf(lang);
    const wanted = new Set(words.map((w) => w.terms[group]).filter((t) => t !== null));
    const found = [];
    for (const m of text.matchAll(WORD_RE)) {
      const t = term(m[0], group);
      if (t !== null && wanted.has(t)) found.push([m.index, m.index + m[0].length, t]);
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
    const prefix = start > 0 ? "…" : "", suffix = end < text.length ? "…" : "";
    const shift = prefix.length - start;
    const matches = found.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s + shift, e + shift]);
    return { text: prefix + text.slice(start, end) + suffix, matches };
  }

  const api = {
    tokens, fold, term, analyze, frenchStem, englishStem, configure, queryWords, parse,
    QueryProblem, SearchIndex, excerpt, nameKey, LENGTHS, bm25, rankKey, dayOrdinal, yearOf,
  };
  root.SiteSearch = api;
  if (typeof document === "undefined") return;

  // ---- the page ----------------------------------------------------------------------------
  const PAGE = 10;
  const app = document.getElementById("search-app");
  if (!app) return;
  const form = document.getElementById("search-form");
  const input = document.getElementById("search-q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const controls = document.getElementById("search-controls");
  const index = new SearchIndex(app.dataset.searchRoot);
  let W = {};
  let run = 0;
  let shown = 0;
  let current = null;
  const selects = {};

  const say = (key, params = {}) => (W[key] || key).replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
  function setStatus(text) { status.textContent = text; }
  function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  }

  function buildControls() {
    const details = el("details", { id: "search-filters" });
    details.append(el("summary", { text: say("filters") }));
    for (const kind of ["company", "source", "year"]) {
      const id = `search-${kind}`;
      const select = el("select", { id, name: kind });
      selects[kind] = select;
      details.append(el("p", {}, [el("label", { for: id, text: say(kind) }), " ", select]));
      select.addEventListener("change", () => { typing = false; go(true); });
    }
    details.addEventListener("toggle", () => {
      if (!details.open || !current) return;
      if (current.partial) { search(); return; } // counts need the whole lists
      const answer = current;
      index.loadFacets().then((facets) => {
        if (answer !== current) return;
        answer.facets = facets;
        render(answer);
      });
    });
    const sort = el("select", { id: "search-sort", name: "sort" }, [
      el("option", { value: "", text: say("relevance") }),
      el("option", { value: "date", text: say("date") }),
    ]);
    selects.sort = sort;
    sort.addEventListener("change", () => { typing = false; go(true); });
    controls.replaceChildren(details, el("p", {}, [el("label", { for: "search-sort", text: say("sort") }), " ", sort]));
  }

  function state() {
    const params = new URLSearchParams();
    if (input.value) params.set("q", input.value);
    for (const kind of ["company", "source", "year", "sort"]) {
      const value = selects[kind].dataset.value ?? selects[kind].value;
      if (value) params.set(kind, value);
    }
    return params;
  }
  function restore() {
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    for (const kind of ["company", "source", "year", "sort"]) {
      const value = params.get(kind) || "";
      selects[kind].dataset.value = value;
      if (kind === "sort") selects.sort.value = value === "date" ? "date" : "";
    }
    const header = document.getElementById("site-search");
    if (header) header.value = input.value;
  }
  function go(push) {
    for (const kind of ["company", "source", "year", "sort"]) delete selects[kind].dataset.value;
    const url = "?" + state().toString();
    if (url !== location.search) history[push ? "pushState" : "replaceState"](null, "", url === "?" ? location.pathname : url);
    search();
  }

  function selected(kind) {
    const s = selects[kind];
    return s.dataset.value ?? s.value;
  }

  async function search() {
    const mine = ++run;
    let answer;
    try {
      // Filters count every result: they need whole lists, not just the heads.
      const filters = document.getElementById("search-filters");
      const counting = Boolean(selected("company") || selected("source") || selected("year") ||
        filters.open || index.facets);
      answer = await index.search(input.value, selected("sort"), counting, PAGE);
      if (counting) answer.facets = await index.loadFacets();
    } catch (error) {
      if (mine !== run) return;
      current = null;
      list.replaceChildren();
      more.hidden = true;
      fillSelects(null);
      if (error instanceof QueryProblem) {
        const params = { ...error.params, ignored: (error.params.ignored || []).join(", ") };
        setStatus(error.kind === "syntax" ? say("syntax", { message: say(error.code, params) }) : say(error.code, params));
      } else {
        setStatus(say("error"));
        console.warn(error);
      }
      return;
    }
    if (mine !== run) return;
    current = answer;
    render(answer);
  }

  // The form's filters narrow the results; each filter's options count the results that the
  // other filters leave. Years come from the ids; companies and sources need the facets.
  function narrow(answer) {
    const facets = answer.facets;
    const pos = facets ? new Map(facets.ids.map((id, i) => [id, i])) : null;
    const valuesOf = (kind, id) => kind === "year" ? [yearOf(id)] : facets ? facets[kind].docs[pos.get(id)] : [];
    const chosen = {};
    for (const kind of ["company", "source"]) {
      const i = facets && selected(kind) ? facets[kind].names.findIndex((n) => n[1] === selected(kind)) : -1;
      if (i >= 0) chosen[kind] = i;
    }
    if (/^\d{4}$/.test(selected("year"))) chosen.year = +selected("year");
    const passes = (id, except) => Object.entries(chosen).every(([k, v]) => k === except || valuesOf(k, id).includes(v));
    const counts = { company: new Map(), source: new Map(), year: new Map() };
    const totals = { company: 0, source: 0, year: 0 };
    for (const id of answer.ids) {
      for (const kind of Object.keys(counts)) {
        if (!passes(id, kind)) continue;
        totals[kind]++;
        for (const v of valuesOf(kind, id)) counts[kind].set(v, (counts[kind].get(v) || 0) + 1);
      }
    }
    return { ids: answer.ids.filter((id) => passes(id, null)), counts, totals };
  }

  function fillSelects(view) {
    for (const kind of ["company", "source", "year"]) {
      const select = selects[kind];
      const keep = selected(kind);
      const options = [el("option", { value: "", text: say("all", { count: view ? view.totals[kind] : 0 }) })];
      const names = kind === "year" ? null : current && current.facets && current.facets[kind].names;
      if (view && (names || kind === "year")) {
        const entries = [...view.counts[kind]].sort((a, b) => (kind === "year" ? b[0] - a[0] : b[1] - a[1] || a[0] - b[0]));
        for (const [v, n] of entries) {
          const [label, value] = kind === "year" ? [String(v), String(v)] : names[v];
          options.push(el("option", { value, text: `${label} (${n})` }));
        }
      }
      select.replaceChildren(...options);
      select.value = keep;
      if (select.value !== keep) {
        select.append(el("option", { value: keep, text: `${keep} (0)` }));
        select.value = keep;
      }
      select.disabled = !view || (kind !== "year" && !names);
    }
  }

  function render(answer) {
    answer.view = narrow(answer);
    fillSelects(answer.partial ? null : answer.view);
    list.replaceChildren();
    shown = 0;
    const count = answer.partial ? answer.least : answer.view.ids.length;
    const key = answer.partial ? "results_least" : count === 0 ? "results_0" : count === 1 ? "results_1" : "results_n";
    answer.message = say(key, { count, query: input.value.trim() });
    if (answer.parsed.ignored.length) answer.message += " " + say("ignored", { words: answer.parsed.ignored.join(", ") });
    showMore(answer);
  }

  async function showMore(answer) {
    const ids = answer.view.ids;
    const batch = ids.slice(shown, shown + PAGE);
    shown += batch.length;
    const words = queryWordsOf(answer.parsed.tree);
    const mine = run;
    // Fetch every fragment at once; show each as soon as it and those above it are here.
    const pending = batch.map((id) => index.fragment(id).catch(() => null));
    for (const promise of pending) {
      const record = await promise;
      if (mine !== run) return;
      if (record) list.append(item(record, words));
    }
    more.hidden = shown >= ids.length && !answer.partial;
    const total = answer.partial ? answer.least : ids.length;
    setStatus(answer.message + (shown < total ? " " + say("shown", { shown, count: total }) : ""));
  }

  // "More results" past what the heads settled: fetch the tails and go on from the same place
  // (the ranking above is the same).
  async function showMoreWhole() {
    const answer = current;
    if (answer.partial) {
      const mine = run;
      const whole = await index.search(input.value, selected("sort"), true, PAGE);
      if (mine !== run || current !== answer) return;
      whole.facets = answer.facets;
      whole.view = narrow(whole);
      whole.message = say(whole.view.ids.length === 1 ? "results_1" : "results_n",
        { count: whole.view.ids.length, query: input.value.trim() });
      current = whole;
    }
    showMore(current);
  }

  function item(record, words) {
    const link = el("a", { href: record.u, text: record.t });
    if (record.l && record.l.split("-")[0] !== document.documentElement.lang.split("-")[0]) link.setAttribute("lang", record.l);
    const found = excerpt(record.x, record.l, words);
    const para = el("p", { class: "search-excerpt" });
    let last = 0;
    for (const [s, e] of found.matches) {
      para.append(found.text.slice(last, s), el("mark", { text: found.text.slice(s, e) }));
      last = e;
    }
    para.append(found.text.slice(last));
    if (record.l) para.setAttribute("lang", record.l);
    return el("li", { class: "search-result" }, [
      el("h3", {}, [link]),
      el("p", { class: "search-meta", text: `${record.d} · ${record.s}` }),
      para,
    ]);
  }

  // Typing adds one history entry (at its first pause) that later keystrokes update, so Back
  // returns to the search before the typing began.
  let timer = 0;
  let typing = false;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { go(!typing); typing = true; }, 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    go(!typing);
    typing = false;
  });
  more.addEventListener("click", () => { if (current) showMoreWhole(); });
  window.addEventListener("popstate", () => { typing = false; restore(); search(); });

  setStatus(say("loading"));
  index.load().then(() => {
    W = index.meta.words;
    more.textContent = say("more");
    buildControls();
    restore();
    app.dataset.ready = "true";
    if (input.value || selected("company") || selected("source")) search();
    else setStatus(say("empty"));
  }).catch((error) => {
    setStatus(W.error || "Search is unavailable.");
    console.warn(error);
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
