"use strict";
// The query editor of /sparql: a textarea over a highlighted copy of its text, the named queries,
// results as a table, downloads.  No library, no network but this endpoint.
(function () {
  const DATA = JSON.parse(document.getElementById("ag-data").textContent);
  const $ = (id) => document.getElementById(id);
  const input = $("query"), shade = $("shade"), results = $("results"), status = $("status"), params = $("params");
  const runButton = $("run"), downloads = $("downloads");

  // ------------------------------------------------------------------ highlighting
  const KEYWORDS = new Set(("SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE DISTINCT REDUCED AS " +
    "OPTIONAL UNION MINUS FILTER BIND VALUES GRAPH SERVICE SILENT ORDER BY GROUP HAVING LIMIT OFFSET ASC DESC " +
    "NOT EXISTS IN UNDEF TRUE FALSE A").split(" "));
  const FUNCTIONS = new Set(("COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT STR LANG LANGMATCHES DATATYPE BOUND IRI URI " +
    "BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE " +
    "STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 " +
    "COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE").split(" "));
  const TOKEN = new RegExp([
    "(#[^\\n]*)",                                                   // 1 comment
    "(<[^<>\"{}|^`\\\\\\s]*>)",                                    // 2 IRI
    "(\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)|\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\\n]|\\\\.)*'?)", // 3 string
    "([?$][A-Za-z0-9_\\u00B7\\u00C0-\\uFFFF]+)",                  // 4 variable
    "((?:[A-Za-z][\\w.-]*)?:(?:[\\w%-]|\\.(?=[\\w%-]))*)",         // 5 prefixed name
    "(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|\\.\\d+)",               // 6 number
    "([A-Za-z_]\\w*)",                                             // 7 word
  ].join("|"), "gy");

  function tokens(text) {
    const out = [];
    let i = 0;
    while (i < text.length) {
      TOKEN.lastIndex = i;
      const m = TOKEN.exec(text);
      if (!m || m[0] === "") { out.push(["", text[i]]); i += 1; continue; }
      let kind = "";
      if (m[1]) kind = "comment";
      else if (m[2]) kind = "iri";
      else if (m[3]) kind = "string";
      else if (m[4]) kind = "variable";
      else if (m[5]) kind = "prefixed";
      else if (m[6]) kind = "number";
      else if (m[7]) {
        const w = m[7].toUpperCase();
        if (FUNCTIONS.has(w) && /^\s*\(/.test(text.slice(i + m[0].length))) kind = "function";
        else if (KEYWORDS.has(w) && (w !== "A" || m[7] === "a")) kind = "keyword";
      }
      out.push([kind, m[0]]);
      i += m[0].length;
    }
    return out;
  }
  const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  function highlight() {
    shade.innerHTML = tokens(input.value).map(([k, t]) => k ? `<span class="tok-${k}">${escapeHtml(t)}</span>`
                                                           : escapeHtml(t)).join("") + "\n";
    shade.scrollTop = input.scrollTop;
    shade.scrollLeft = input.scrollLeft;
  }
  input.addEventListener("input", highlight);
  input.addEventListener("scroll", () => { shade.scrollTop = input.scrollTop; shade.scrollLeft = input.scrollLeft; });
  input.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); run(); }
    else if (e.key === "Tab" && !e.shiftKey) {
      e.preventDefault();
      const s = input.selectionStart;
      input.setRangeText("  ", s, input.selectionEnd, "end");
      highlight();
    }
  });

  // ------------------------------------------------------------------ named queries
  let current = null;
  function choose(q, button) {
    current = q;
    input.value = q.text;
    for (const b of document.querySelectorAll("#named button")) b.setAttribute("aria-pressed", String(b === button));
    params.replaceChildren();
    for (const p of q.params) {
      const label = document.createElement("label");
      label.textContent = `${p.name} (${p.type})${p.required ? "" : ", optional"}`;
      const box = document.createElement("input");
      box.name = p.name;
      box.value = p.default || DATA.examples[p.type] || "";
      box.placeholder = p.doc || p.type;
      box.title = p.doc;
      box.addEventListener("keydown", (e) => { if (e.key === "Enter") run(); });
      label.append(box);
      params.append(label);
    }
    history.replaceState(null, "", "#" + encodeURIComponent(q.name));
    highlight();
  }
  for (const q of DATA.queries) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.name = q.name;
    const name = document.createElement("b");
    name.textContent = q.name;
    const summary = document.createElement("span");
    summary.textContent = q.summary;
    b.append(name, summary);
    b.title = q.description;
    b.addEventListener("click", () => choose(q, b));
    $("named").append(b);
  }
  input.addEventListener("input", () => {
    if (current && input.value !== current.text && !current.params.length) {
      current = null;
      for (const b of document.querySelectorAll("#named button")) b.setAttribute("aria-pressed", "false");
    }
  });

  // parameters become a VALUES block right inside the first WHERE { (as `alliances query` binds them)
  const quote = (s) => '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") + '"';
  function term(p, v) {
    const name = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
    if (/^https?:\/\/\S+$/.test(v) && ["actor", "relation", "article", "iri"].includes(p.type)) return `<${v}>`;
    if (p.type === "actor" && name.test(v)) return `actor:${v}`;
    if (p.type === "relation" && name.test(v)) return `ag:${v}`;
    if (p.type === "article" && name.test(v)) return `article:${v}`;
    if (p.type === "integer" && /^[+-]?\d+$/.test(v)) return v;
    if (p.type === "decimal" && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v)) return `"${v}"^^xsd:decimal`;
    if (p.type === "date" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return `"${v}"^^xsd:date`;
    if (p.type === "boolean" && /^(true|false)$/.test(v)) return v;
    if (p.type === "string") return quote(v);
    throw new Error(`${p.name}: ${JSON.stringify(v)} is not a valid ${p.type}`);
  }
  function bound(text) {
    if (!current || !current.params.length || text !== current.text) return text;
    const vars = [], values = [];
    for (const p of current.params) {
      const v = params.querySelector(`input[name="${p.name}"]`).value.trim();
      if (!v) {
        if (p.required) throw new Error(`${p.name}: a value is needed (${p.doc || p.type})`);
        continue;
      }
      vars.push("?" + p.name);
      values.push(term(p, v));
    }
    if (!vars.length) return text;
    let offset = 0, seenWhere = false, at = -1;
    for (const [k, t] of tokens(text)) {
      if (k === "keyword" && t.toUpperCase() === "WHERE") seenWhere = true;
      if (!k && t === "{" && seenWhere) { at = offset + 1; break; }
      offset += t.length;
    }
    if (at < 0) return text;
    return text.slice(0, at) + `\n  VALUES (${vars.join(" ")}) { (${values.join(" ")}) }` + text.slice(at);
  }

  // ------------------------------------------------------------------ running and showing
  function form(text) {
    for (const [k, t] of tokens(text)) {
      const w = t.toUpperCase();
      if (k === "keyword" && ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"].includes(w)) return w;
    }
    return "SELECT";
  }
  const compact = (iri) => {
    for (const [p, ns] of DATA.prefixes) if (iri.startsWith(ns) && /^[\w-]*$/.test(iri.slice(ns.length))) return p + ":" + iri.slice(ns.length);
    return "<" + iri + ">";
  };
  function cell(td, b) {
    if (!b) { td.textContent = ""; td.className = "unbound"; return; }
    if (b.type === "uri") { td.textContent = compact(b.value); td.title = b.value; td.className = "iri"; return; }
    if (b.type === "bnode") { td.textContent = "_:" + b.value; return; }
    td.textContent = b.value;
    if (b["xml:lang"]) td.title = "@" + b["xml:lang"];
    else if (b.datatype) td.title = compact(b.datatype);
  }
  let last = null;  // {text, kind}: what the download buttons fetch again
  let runs = 0;     // finished runs, on <body data-runs> (for tests and scripts that drive the page)
  const done = () => { document.body.dataset.runs = String(++runs); };
  async function run() {
    let text;
    try { text = bound(input.value); } catch (e) { fail(e.message); return done(); }
    const kind = form(text);
    const accept = kind === "SELECT" || kind === "ASK" ? "application/sparql-results+json" : "text/turtle";
    status.className = ""; status.textContent = "running…"; runButton.disabled = true;
    const started = performance.now();
    try {
      const r = await fetch(DATA.endpoint, { method: "POST", body: text,
        headers: { "Content-Type": "application/sparql-query", "Accept": accept } });
      const body = await r.text();
      if (!r.ok) return fail(`${r.status}: ${body.trim()}`);
      const ms = Math.round(performance.now() - started);
      results.replaceChildren();
      if (kind === "SELECT") {
        const data = JSON.parse(body), vars = data.head.vars, rows = data.results.bindings;
        const table = document.createElement("table"), head = table.createTHead().insertRow();
        for (const v of vars) { const th = document.createElement("th"); th.textContent = "?" + v; head.append(th); }
        const tbody = table.createTBody();
        for (const row of rows) { const tr = tbody.insertRow(); for (const v of vars) cell(tr.insertCell(), row[v]); }
        results.append(table);
        status.textContent = `${rows.length} row${rows.length === 1 ? "" : "s"} in ${ms} ms`;
      } else if (kind === "ASK") {
        const pre = document.createElement("pre");
        pre.textContent = String(JSON.parse(body).boolean);
        results.append(pre);
        status.textContent = `answered in ${ms} ms`;
      } else {
        const pre = document.createElement("pre");
        pre.textContent = body;
        results.append(pre);
        status.textContent = `${body.split("\n").filter((l) => l.trim() && !l.startsWith("@prefix")).length} lines of Turtle in ${ms} ms`;
      }
      last = { text, kind };
      showDownloads(kind);
    } catch (e) {
      fail(String(e.message || e));
    } finally {
      runButton.disabled = false;
      done();
    }
  }
  function fail(message) {
    status.className = "error";
    status.textContent = message;
    results.replaceChildren();
    downloads.replaceChildren();
    last = null;
  }
  const FORMATS = {
    SELECT: [["CSV", "text/csv", "csv"], ["TSV", "text/tab-separated-values", "tsv"], ["JSON", "application/sparql-results+json", "json"]],
    ASK: [["JSON", "application/sparql-results+json", "json"]],
    GRAPH: [["Turtle", "text/turtle", "ttl"], ["N-Triples", "application/n-triples", "nt"]],
  };
  function showDownloads(kind) {
    downloads.replaceChildren();
    for (const [label, type, ext] of FORMATS[kind === "CONSTRUCT" || kind === "DESCRIBE" ? "GRAPH" : kind]) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = "Download " + label;
      b.addEventListener("click", () => download(type, ext));
      downloads.append(b);
    }
  }
  async function download(type, ext) {
    if (!last) return;
    const r = await fetch(DATA.endpoint, { method: "POST", body: last.text,
      headers: { "Content-Type": "application/sparql-query", "Accept": type } });
    if (!r.ok) return fail(`${r.status}: ${(await r.text()).trim()}`);
    const url = URL.createObjectURL(new Blob([await r.arrayBuffer()], { type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${current && input.value === current.text ? current.name : "results"}.${ext}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
  runButton.addEventListener("click", run);

  // ------------------------------------------------------------------ start
  function fromHash() {  // #NAME opens that named query (links to /sparql#allies)
    const wanted = decodeURIComponent(location.hash.slice(1));
    const q = DATA.queries.find((x) => x.name === wanted);
    if (q && q !== current) choose(q, document.querySelector(`#named button[data-name="${CSS.escape(q.name)}"]`));
    return Boolean(q);
  }
  window.addEventListener("hashchange", fromHash);
  if (!fromHash()) { input.value = DATA.example; highlight(); }
  document.body.dataset.runs = "0";
  document.body.dataset.ready = "true";
})();
