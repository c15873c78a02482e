(function () {
  "use strict";
  // Everything from articles reaches the page through textContent, never as HTML.
  var data = JSON.parse(document.getElementById("ag-data").textContent);
  var relations = data.relations;
  var kinds = {};
  (data.source_kinds || []).forEach(function (k) { kinds[k.name] = k; });
  var parallel = new Map();  // pair of actors -> links seen so far
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges.map(toVisEdge));
  var enabled = new Set(relations.map(function (r) { return r.name; }));
  var edgesView = new vis.DataView(edges, { filter: function (e) { return enabled.has(e.relation); } });
  var container = document.getElementById("ag-network");
  var details = document.getElementById("ag-details");
  var state = { nodes: nodes, edges: edges, edgesView: edgesView, stabilized: false, data: data };
  window.allianceGraph = state;

  var network = new vis.Network(container, { nodes: nodes, edges: edgesView }, data.options);
  state.network = network;
  function frozen() {
    network.setOptions({ physics: { enabled: false } });
    state.stabilized = true;
    document.body.setAttribute("data-stabilized", "true");
  }
  if (data.nodes.length === 0) {
    frozen();
    container.appendChild(el("p", "No links to show: nothing matched the filters.", "ag-hint"));
  } else {
    network.once("stabilizationIterationsDone", frozen);
  }

  // A link row (see graph/render.py EDGE_FIELDS) as a vis edge, styled by its relation.
  function toVisEdge(row, i) {
    var r = relations[row[2]];
    var pair = row[0] < row[1] ? row[0] + "\u0000" + row[1] : row[1] + "\u0000" + row[0];
    var e = {
      id: "e" + i, from: row[0], to: row[1], relation: r.name, relationLabel: r.label,
      sources: row[3], confidence: row[4], first: row[5], last: row[6], directed: row[7] === 1,
      color: r.colour, dashes: row[8] === 1, arrows: row[7] === 1 ? "to" : "",
      width: 1 + 1.5 * Math.log2(1 + Math.max(row[3], 1)), row: i
    };
    var k = parallel.get(pair) === undefined ? 0 : parallel.get(pair) + 1;
    parallel.set(pair, k);
    if (k) {  // parallel links of one pair fan out instead of overlapping
      e.smooth = { enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.15 * Math.ceil(k / 2) };
    }
    e.title = edgeTitle(e) + "\n" + factsLine(e);
    return e;
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function safeUrl(u) {
    if (typeof u !== "string" || !/^https?:\/\//i.test(u)) return null;
    try {
      var p = new URL(u);
      return (p.protocol === "http:" || p.protocol === "https:") ? p.href : null;
    } catch (err) { return null; }
  }
  function link(url, text) {
    var href = safeUrl(url);
    if (!href) return el("span", text);
    var a = el("a", text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer nofollow";
    return a;
  }
  function label(id) {
    var n = nodes.get(id);
    return n ? n.label : id;
  }
  function factsLine(e) {
    var parts = [e.sources + (e.sources === 1 ? " source" : " sources")];
    if (e.confidence !== null && e.confidence !== undefined) parts.push("confidence " + e.confidence);
    if (e.first || e.last) parts.push(e.first === e.last ? e.first : (e.first || "?") + " to " + (e.last || "?"));
    return parts.join(" · ");
  }
  function evidenceList(edgeId) {
    var e = edges.get(edgeId);
    var rows = data.evidence[e.row][0], more = data.evidence[e.row][1];
    var ol = el("ol");
    rows.forEach(function (row) {
      var art = data.articles[row[1]];
      var item = { sentence: row[0], date: row[2], confidence: row[3], kind: row[4] || "news",
                   article: art[0], title: art[1], source: art[2] };
      var li = el("li", null, "ag-ev ag-ev-" + item.kind);
      var kind = kinds[item.kind];
      li.appendChild(el("span", kind ? kind.label : item.kind, "ag-kind ag-kind-" + item.kind));
      if (item.sentence) li.appendChild(el("blockquote", item.sentence));
      var meta = el("div", null, "ag-meta");
      var source = safeUrl(item.source);
      meta.appendChild(link(source, item.title || item.source || "article"));
      var bits = [];
      if (item.date) bits.push(item.date);
      if (!source && item.source && item.title) bits.push(item.source);
      if (item.confidence !== null && item.confidence !== undefined) bits.push("confidence " + item.confidence);
      if (bits.length) meta.appendChild(document.createTextNode(" · " + bits.join(" · ")));
      li.appendChild(meta);
      if (item.article) li.appendChild(el("div", item.article, "ag-iri"));
      ol.appendChild(li);
    });
    if (more > 0) {
      ol.appendChild(el("li", "… and " + more + " more sentences (see the Turtle export or SPARQL)", "ag-hint"));
    }
    if (!rows.length) ol.appendChild(el("li", "No evidence sentence recorded.", "ag-hint"));
    return ol;
  }
  function edgeTitle(e) {
    return label(e.from) + (e.directed ? " → " : " — ") + label(e.to) + ": " + e.relationLabel;
  }
  function showEdge(id) {
    var e = edges.get(id);
    if (!e) return;
    clear(details);
    details.appendChild(el("h3", edgeTitle(e)));
    details.appendChild(el("p", factsLine(e), "ag-facts"));
    details.appendChild(evidenceList(id));
  }
  function showNode(id) {
    var n = nodes.get(id);
    if (!n) return;
    clear(details);
    details.appendChild(el("h3", n.label + " (" + n.id + ")"));
    var facts = [n.kind === "Organization" ? "organisation" : "state"];
    if (n.bloc !== null && n.bloc !== undefined) facts.push("bloc " + n.bloc);
    if (n.centrality !== null && n.centrality !== undefined) facts.push("centrality " + n.centrality);
    details.appendChild(el("p", facts.join(" · "), "ag-facts"));
    var own = edgesView.get({ filter: function (e) { return e.from === id || e.to === id; } });
    own.sort(function (a, b) { return (b.sources - a.sources) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0); });
    if (!own.length) details.appendChild(el("p", "No links shown for this actor.", "ag-hint"));
    own.forEach(function (e) {
      var h = el("h4");
      var b = el("button", edgeTitle(e));
      b.type = "button";
      b.addEventListener("click", function () { network.selectEdges([e.id]); showEdge(e.id); });
      h.appendChild(b);
      details.appendChild(h);
      details.appendChild(el("p", factsLine(e), "ag-facts"));
      details.appendChild(evidenceList(e.id));
    });
  }
  state.showEdge = showEdge;
  state.showNode = showNode;

  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
  });

  // Relation filter.
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.ag-relation"));
  function applyFilter() {
    enabled = new Set(boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }));
    edgesView.refresh();
  }
  boxes.forEach(function (b) { b.addEventListener("change", applyFilter); });
  function setAll(v) { boxes.forEach(function (b) { b.checked = v; }); applyFilter(); }
  document.getElementById("ag-all").addEventListener("click", function () { setAll(true); });
  document.getElementById("ag-none").addEventListener("click", function () { setAll(false); });

  // Search: an id, name, alias, demonym, capital or leader exactly; then the first name that contains the text.
  var status = document.getElementById("ag-search-status");
  function find(text) {
    var q = text.trim().replace(/\s+/g, " ").toLowerCase();
    if (!q) return null;
    var all = nodes.get();
    function names(n) { return [n.label].concat(n.names || []).map(function (t) { return t.toLowerCase(); }); }
    var hit = all.find(function (n) { return n.id.toLowerCase() === q || names(n).indexOf(q) >= 0; });
    return hit || all.find(function (n) { return n.label.toLowerCase().indexOf(q) >= 0; }) ||
      all.find(function (n) { return names(n).some(function (t) { return t.indexOf(q) >= 0; }); }) || null;
  }
  document.getElementById("ag-search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = document.getElementById("ag-search-input").value;
    var n = find(text);
    if (!n) { status.textContent = "No actor on this page matches “" + text.trim() + "”."; return; }
    status.textContent = "";
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: 1.4, animation: { duration: 400 } });
    showNode(n.id);
  });

  if (data.focus) {
    network.once("stabilizationIterationsDone", function () {
      network.selectNodes([data.focus]);
      showNode(data.focus);
    });
  }
})();
