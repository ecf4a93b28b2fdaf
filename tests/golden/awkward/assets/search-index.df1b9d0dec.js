/* Reading the static search index and ranking: fetch meta.bin, the directories, shards, tails,
   facets and document fragments under search/, decode them and score with BM25F exactly as
   `site-builder search` does. The files and their encoding are described in
   docs/SEARCH-INDEX.md; FORMAT_VERSION is the version of that format this module reads. */
import { GROUPS, configure } from "./search-analysis.7079443f00.js";
import { isPredicate, parse } from "./search-query.5cd2b0b73d.js";

// The version of the index format this module reads (`version` in meta.bin, written by
// site_builder/search/export.py as FORMAT_VERSION): an index of any other is refused, not misread.
export const FORMAT_VERSION = 3;

// meta.bin is of another version of the format: published by another build than the page's
// (a page from a cache, a deploy half done).
export class IndexVersionError extends Error {
  constructor(found, expected = FORMAT_VERSION) {
    super(`search index format ${found}, this page reads format ${expected}`);
    this.found = found;
    this.expected = expected;
  }
}

export const SLOTS = 4096;
export const LENGTHS = Array.from({ length: 256 }, (_, n) => Math.round((Math.pow(1.033, n) - 1) * 27));
LENGTHS[255] = 106374;

export function bm25(idf, tf, fl, avgfl, b, k1) {
  return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)));
}
export const rankKey = (score) => Math.floor(score * 1e6 + 0.5);

export function dayOrdinal(year, month, day) {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / 86400000) + 719163;
}
export function yearOf(id) {
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

export class SearchIndex {
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
    const meta = JSON.parse(new TextDecoder().decode(await inflate(await this.fetch(this.base + "meta.bin"))));
    const version = meta !== null && typeof meta === "object" ? meta.version : undefined;
    if (version !== FORMAT_VERSION) throw new IndexVersionError(version === undefined ? "?" : String(version));
    this.meta = meta;
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
