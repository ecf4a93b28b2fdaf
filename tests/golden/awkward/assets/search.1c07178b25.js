/* The search page: wires the form of search.html to the index (search-index.js), keeps the
   query and filters in the URL, and shows the results, every text through textContent. The
   words come from the index's meta.bin, except the message for an index of another format,
   which the page itself carries (the index cannot be trusted to). */
import { excerpt } from "./search-analysis.7079443f00.js";
import { IndexVersionError, SearchIndex, yearOf } from "./search-index.df1b9d0dec.js";
import { QueryProblem, queryWordsOf } from "./search-query.5cd2b0b73d.js";

const PAGE = 10;
const app = document.getElementById("search-app");
if (app) start(app);

function start(app) {
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
    if (error instanceof IndexVersionError) {
      // Not the index's words: they come with the index, of a format this page cannot read.
      const message = app.dataset.versionMessage || "Search index format {found}, this page reads format {expected}.";
      setStatus(message.replace(/\{(\w+)\}/g, (_, k) => String(error[k] ?? "")));
      return;
    }
    setStatus(W.error || "Search is unavailable.");
    console.warn(error);
  });
}
