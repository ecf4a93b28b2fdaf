/* The query language of the browser search, a port of site_builder/search/query.py: words,
   "phrases", AND / OR / NOT / -word, parentheses and the filters company:, source:, tag:,
   year:. `parse` gives the tree that search-index.js evaluates. See docs/SEARCH.md. */
import { GROUPS, analyze, nameKey, queryWords, tokens } from "./search-analysis.7079443f00.js";

export const MAX_QUERY_CHARS = 500, MAX_WORDS = 24;
const FIELD_NAMES = {
  company: "company", entreprise: "company", source: "source", tag: "tag", theme: "tag",
  "thème": "tag", year: "year", annee: "year", "année": "year",
};

export class QueryProblem extends Error {
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

export function parse(text, facets) {
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
export const isPredicate = (node) => node.kind === "not" || (node.kind === "filter" && node.field === "year");
function needsUniverse(node) {
  if (isPredicate(node)) return true;
  if (node.kind === "or") return node.items.some(needsUniverse);
  if (node.kind === "and") {
    const sets = node.items.filter((i) => !isPredicate(i));
    return !sets.length || sets.some(needsUniverse);
  }
  return false;
}

export function queryWordsOf(tree) {
  const out = [];
  (function walk(node) {
    if (node.kind === "word") out.push(node.word);
    else if (node.kind === "phrase") out.push(...node.words);
    else if (node.kind === "and" || node.kind === "or") node.items.forEach(walk);
  })(tree);
  return out;
}
