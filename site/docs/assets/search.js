/* The search page (tim-kiem/): Pagefind queries with filters and sort by
   date. Runs only where the page has the #sg-search form; the index bundle is
   loaded on demand from ../pagefind/. Diacritic-free queries work because the
   index holds a folded copy of the words with đ/Đ (see sitegen/search.py).
   Results are built with DOM methods; excerpts keep only <mark> elements. */
(function () {
  "use strict";
  var form = document.getElementById("sg-search");
  if (!form) return;
  var bundle = new URL("../pagefind/pagefind.js", document.currentScript.src).href;
  var input = document.getElementById("sg-search-q");
  var sort = document.getElementById("sg-sort");
  var selects = Array.prototype.slice.call(form.querySelectorAll("[data-sg-filter]"));
  var status = document.getElementById("sg-search-status");
  var list = document.getElementById("sg-search-results");
  var more = document.getElementById("sg-search-more");
  var PAGE = 10;
  var loading = null;
  var results = [];
  var shown = 0;
  var seq = 0;
  var timer = null;

  function load() {
    if (!loading) {
      loading = import(bundle).then(function (pf) {
        /* Weigh exact diacritics strongly: "đua" ranks pages with "đua" above
           pages with "đưa", while "dua" still finds both. */
        var options = { excerptLength: 24, ranking: { diacriticSimilarity: 5 } };
        return pf.options(options).then(function () { return pf; });
      });
    }
    return loading;
  }

  function restore() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    selects.concat([sort]).forEach(function (s) {
      var wanted = params.get(s.name) || "";
      var known = Array.prototype.some.call(s.options, function (o) { return o.value === wanted; });
      s.value = known ? wanted : "";
    });
  }

  function remember() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    selects.concat([sort]).forEach(function (s) { if (s.value) params.set(s.name, s.value); });
    var query = params.toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
  }

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (s) { if (s.value) filters[s.dataset.sgFilter] = s.value; });
    return filters;
  }

  function safeExcerpt(html) {
    var template = document.createElement("template");
    template.innerHTML = html;  /* inert: nothing in a template runs or loads */
    var out = document.createDocumentFragment();
    template.content.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        out.appendChild(document.createTextNode(node.textContent));
      } else if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function render(data) {
    var meta = data.meta || {};
    var li = document.createElement("li");
    li.className = "sg-result";
    var title = document.createElement("a");
    title.href = data.url;
    title.textContent = meta.title || data.url;
    var heading = document.createElement("h2");
    heading.className = "sg-result__title";
    heading.appendChild(title);
    li.appendChild(heading);
    var facts = document.createElement("p");
    facts.className = "sg-sub";
    facts.textContent = [meta.so, meta.ngay, meta.co_quan].filter(Boolean).join(" · ");
    if (meta.bat_dau && meta.ket_thuc && window.sgStatus) {
      var badge = document.createElement("span");
      window.sgStatus.badge(badge, meta.bat_dau, meta.ket_thuc,
        window.sgStatus.today(new Date(Date.now())));
      facts.appendChild(document.createTextNode(" "));
      facts.appendChild(badge);
    }
    li.appendChild(facts);
    var excerpt = document.createElement("p");
    excerpt.className = "sg-excerpt";
    excerpt.appendChild(safeExcerpt(data.excerpt || ""));
    li.appendChild(excerpt);
    return li;
  }

  function showMore(mine) {
    var slice = results.slice(shown, shown + PAGE);
    return Promise.all(slice.map(function (r) { return r.data(); })).then(function (items) {
      if (mine !== seq) return;
      items.forEach(function (data) { list.appendChild(render(data)); });
      shown += items.length;
      more.hidden = shown >= results.length;
    });
  }

  function showCounts(counts) {
    selects.forEach(function (s) {
      var byValue = (counts && counts[s.dataset.sgFilter]) || {};
      Array.prototype.forEach.call(s.options, function (o) {
        if (!o.value) return;
        var n = byValue[o.value] || 0;
        o.textContent = o.value + " (" + n + ")";
      });
    });
  }

  function run() {
    var mine = ++seq;
    var term = input.value.trim();
    var filters = chosenFilters();
    remember();
    if (!term && !Object.keys(filters).length) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "Nhập từ khóa hoặc chọn bộ lọc.";
      return Promise.resolve();
    }
    status.textContent = "Đang tìm…";
    return load().then(function (pf) {
      var options = { filters: filters };
      if (sort.value) options.sort = { ngay: sort.value };
      return pf.search(term || null, options);
    }).then(function (found) {
      if (mine !== seq || !found) return;
      results = found.results;
      shown = 0;
      list.replaceChildren();
      showCounts(found.filters);
      status.textContent = results.length
        ? "Tìm thấy " + results.length + " văn bản."
        : "Không tìm thấy văn bản nào. Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc.";
      return showMore(mine);
    }).catch(function () {
      if (mine === seq) status.textContent = "Không tải được chỉ mục tìm kiếm. Hãy thử lại sau.";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 80);
  });
  selects.concat([sort]).forEach(function (s) { s.addEventListener("change", run); });
  more.addEventListener("click", function () { showMore(seq); });

  restore();
  load();
  run();
})();
