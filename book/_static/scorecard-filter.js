/* The scorecard's filter: show only the rows of one paper, match and evidence.
   Self-contained (no request, no library): it acts on pages whose comparison tables carry scorecard rows
   (<tr id="sc-<ledger id>">); the paper comes from the id's prefix (p1_ / p2_), match and evidence from the
   row's verdict and evidence labels. */
(function () {
  "use strict";
  function text(row, selector) {
    var el = row.querySelector(selector);
    return el ? el.textContent.trim() : "";
  }
  function paper(row) {
    var m = /^sc-(p[12])_/.exec(row.id);
    return m ? m[1].toUpperCase() : "other";
  }
  function setup() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.cartrepro-compare tr[id^='sc-']"));
    if (!rows.length) return;
    var facets = [
      ["paper", "Paper", paper],
      ["match", "Match", function (r) { return text(r, ".cr-verdict"); }],
      ["evidence", "Evidence", function (r) { return text(r, ".cr-evidence") || "none"; }]
    ];
    var form = document.createElement("form");
    form.className = "cr-filter";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Filter the scorecard");
    var selects = {};
    facets.forEach(function (facet) {
      var seen = [];
      rows.forEach(function (r) {
        var v = facet[2](r);
        r.setAttribute("data-" + facet[0], v);
        if (seen.indexOf(v) < 0) seen.push(v);
      });
      seen.sort();
      var label = document.createElement("label");
      label.textContent = facet[1] + " ";
      var select = document.createElement("select");
      select.name = facet[0];
      ["all"].concat(seen).forEach(function (v) {
        var option = document.createElement("option");
        option.value = v;
        option.textContent = v;
        select.appendChild(option);
      });
      label.appendChild(select);
      form.appendChild(label);
      selects[facet[0]] = select;
    });
    var count = document.createElement("output");
    count.className = "cr-filter-count";
    form.appendChild(count);
    function apply() {
      var shown = 0;
      rows.forEach(function (r) {
        var keep = facets.every(function (facet) {
          var want = selects[facet[0]].value;
          return want === "all" || r.getAttribute("data-" + facet[0]) === want;
        });
        r.hidden = !keep;
        if (keep) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " numbers shown";
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    var first = rows[0].closest("table");
    var anchor = first.closest(".cr-table-scroll") || first;
    var heading = document.querySelector(".bd-article section > h2");
    var before = heading && heading.compareDocumentPosition(anchor) & Node.DOCUMENT_POSITION_FOLLOWING ?
      heading.parentNode : anchor;
    before.parentNode.insertBefore(form, before);
    apply();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
