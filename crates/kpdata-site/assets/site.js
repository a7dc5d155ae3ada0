// Progressive enhancement only: every page reads fully without this script.
(function () {
  "use strict";
  // The search key of a name: lower case, marks dropped, only letters and digits kept, so
  // "KIM Jong Un", "Kim Jong-un" and "Kim Jong-Un" have one key. Mirrors the site builder.
  function key(s) {
    return s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  }

  function cellText(row, i) {
    var c = row.cells[i];
    return c ? (c.getAttribute("data-sort") || c.textContent) : "";
  }

  function makeSortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, i) {
      var label = th.textContent;
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.setAttribute("aria-label", "Sort by " + label);
      th.textContent = "";
      th.appendChild(b);
      th.setAttribute("aria-sort", "none");
      b.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.classList.contains("num");
        rows.sort(function (a, b) {
          var x = cellText(a, i), y = cellText(b, i), r;
          if (numeric) { r = (parseFloat(x) || 0) - (parseFloat(y) || 0); }
          else { r = x < y ? -1 : x > y ? 1 : 0; }
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function makeFilterable(table) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "filter";
    input.placeholder = "Filter rows";
    input.setAttribute("aria-label", "Filter the rows of this table");
    var count = document.createElement("span");
    count.className = "muted";
    count.setAttribute("aria-live", "polite");
    var wrap = table.parentNode;
    wrap.parentNode.insertBefore(input, wrap);
    wrap.parentNode.insertBefore(count, wrap);
    input.addEventListener("input", function () {
      var q = input.value.toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        var hit = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
        r.classList.toggle("hidden", !hit);
        if (hit) { shown += 1; }
      });
      count.textContent = q ? " " + shown + " rows match" : "";
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (t) {
    makeSortable(t);
    if (t.tBodies[0] && t.tBodies[0].rows.length > 10) { makeFilterable(t); }
  });

  var search = document.getElementById("search");
  if (search) {
    var items = Array.prototype.slice.call(document.querySelectorAll("#results li"));
    var status = document.getElementById("search-status");
    var run = function () {
      var q = key(search.value);
      var shown = 0;
      items.forEach(function (li) {
        var hit = q.length > 0 && li.getAttribute("data-key").indexOf(q) >= 0;
        li.classList.toggle("hidden", !hit);
        if (hit) { shown += 1; }
      });
      status.textContent = q ? shown + " names match" : "Type a name to search.";
    };
    search.addEventListener("input", run);
    run();
  }
})();
