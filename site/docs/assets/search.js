/* The search page (tim-kiem/): queries on the index sitegen writes
   (sitegen/search.py describes its files; this script must read them the
   same way). Runs only where the page has the #sg-search form.

   A query's words are folded (no diacritics, đ as d) to find their postings;
   the last word also matches the words it begins while the reader types.
   A plan must hold every word. Plans holding the query's consecutive words
   side by side in its order (the index's pair keys) come first, then plans
   holding more of them side by side in either order, then the rest; within
   each, the score is the sum over the words and pairs of the build-time
   score times the rarity. An accented word ranks its own
   spelling above the other spellings of the same letters ("đua" before
   "đưa"). Filters and their counts use a small table of every plan; the
   status is computed on the reader's day (Asia/Ho_Chi_Minh). Results are
   built with DOM methods from the plans' metadata. */
(function () {
  "use strict";
  var form = document.getElementById("sg-search");
  if (!form) return;
  var manifestUrl = new URL("../tim-kiem/chi-muc.json", document.currentScript.src);
  var input = document.getElementById("sg-search-q");
  var sort = document.getElementById("sg-sort");
  var selects = Array.prototype.slice.call(form.querySelectorAll("[data-sg-filter]"));
  var status = document.getElementById("sg-search-status");
  var list = document.getElementById("sg-search-results");
  var more = document.getElementById("sg-search-more");
  var PAGE = 10;
  var MIN_PREFIX = 3;  /* letters typed before a word is completed */
  var MAX_EXPANSIONS = 8;
  var OTHER_SPELLING = 0.35;
  var LONGER_WORD = 0.7;
  var PAIR_WEIGHT = 0.5;  /* a pair's score, added to its words' */
  var OTHER_ORDER = 0.5;  /* a pair found in the reverse order */
  var PAIR_EXPANSIONS = 3;  /* words tried after the previous one for a word being typed */
  var DENSE = 1;  /* postings stored as one score byte per plan */
  var PAUSE = 30;  /* ms without typing before the search runs */
  var STATUS_OF_LABEL = {
    "Sắp diễn ra": "upcoming",
    "Đang diễn ra": "ongoing",
    "Đã kết thúc": "ended",
    "Chưa rõ thời gian": "unknown"
  };
  var cache = {};
  var results = [];
  var shown = 0;
  var seq = 0;
  var timer = null;

  /* ---- loading, each file once ---- */

  function once(name, load) {
    if (!cache[name]) {
      cache[name] = load().catch(function (error) { delete cache[name]; throw error; });
    }
    return cache[name];
  }

  function fetchOk(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response;
    });
  }

  function manifest() {
    return once("manifest", function () {
      return fetchOk(manifestUrl).then(function (r) { return r.json(); });
    });
  }

  function file(name) {
    return manifest().then(function (m) {
      return new URL(m.dir + "/" + name, manifestUrl);
    });
  }

  function json(name) {
    return once(name, function () {
      return file(name).then(fetchOk).then(function (r) { return r.json(); });
    });
  }

  function bytes(name) {
    return once(name, function () {
      return file(name).then(fetchOk).then(function (r) { return r.arrayBuffer(); })
        .then(function (buffer) { return new Uint8Array(buffer); });
    });
  }

  /* The table of every plan: year, body, type, period and sort day. */
  function docs() {
    return once("docs-table", function () {
      return Promise.all([manifest(), bytes("docs.bin")]).then(function (loaded) {
        var view = new DataView(loaded[1].buffer);
        var n = loaded[0].docs;
        var table = { n: n, year: [], issuer: [], type: [], start: [], end: [], day: [] };
        var fields = ["year", "issuer", "type", "start", "end", "day"];
        for (var i = 0; i < n; i++) {
          for (var f = 0; f < fields.length; f++) {
            table[fields[f]].push(view.getUint16((i * fields.length + f) * 2, true));
          }
        }
        return table;
      });
    });
  }

  /* ---- the index format ---- */

  function fnv1a(text) {
    var value = 0x811c9dc5;
    for (var ch of text) {
      value = Math.imul(value ^ ch.codePointAt(0), 0x01000193) >>> 0;
    }
    return value;
  }

  function Reader(data) { this.data = data; this.at = 0; }
  Reader.prototype.varint = function () {
    var value = 0, shift = 0, b;
    do {
      b = this.data[this.at++];
      value += (b & 0x7f) * Math.pow(2, shift);
      shift += 7;
    } while (b & 0x80);
    return value;
  };
  var utf8 = new TextDecoder();
  Reader.prototype.string = function () {
    var length = this.varint();
    var text = utf8.decode(this.data.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  };

  /* One postings file: key -> {holders, spellings: [{word, form, count, at, length, data}]}. */
  function bucket(n) {
    return once("bucket" + n, function () {
      return bytes("t" + n + ".bin").then(function (data) {
        var reader = new Reader(data);
        var keys = new Map();
        for (var k = reader.varint(); k > 0; k--) {
          var key = reader.string();
          var entry = { holders: reader.varint(), spellings: [] };
          for (var s = reader.varint(); s > 0; s--) {
            var word = reader.string() || key;
            var form = data[reader.at++];
            var count = reader.varint();
            var length = reader.varint();
            entry.spellings.push({
              word: word, form: form, count: count, at: reader.at, length: length, data: data
            });
            reader.at += length;
          }
          keys.set(key, entry);
        }
        return keys;
      });
    });
  }

  /* Call visit(plan id, score byte) for each posting of one spelling. */
  function eachPosting(spelling, visit) {
    var data = spelling.data;
    var at = spelling.at;
    var end = at + spelling.length;
    if (spelling.form === DENSE) {
      for (var d = 0; at < end; d++, at++) if (data[at]) visit(d, data[at]);
      return;
    }
    /* the deltas, then a score per posting (the last `count` bytes) */
    var reader = new Reader(data);
    reader.at = at;
    var scoresAt = end - spelling.count;
    var doc = 0;
    for (var i = 0; i < spelling.count; i++) {
      doc += reader.varint();
      visit(doc, data[scoresAt + i]);
    }
  }

  function postingsOf(key) {
    return manifest().then(function (m) {
      return bucket(fnv1a(key) % m.buckets);
    }).then(function (keys) { return keys.get(key) || null; });
  }

  /* The keys a word being typed may be the start of, most common first. */
  function expansions(key) {
    return manifest().then(function (m) {
      var prefix = Array.from(key).slice(0, m.prefix).join("");
      if (Array.from(key).length < MIN_PREFIX) return [key];
      return json("v" + (fnv1a(prefix) % m.vocab) + ".json").then(function (vocab) {
        var found = (vocab[prefix] || []).filter(function (entry) {
          return entry[0] !== key && entry[0].indexOf(key) === 0;
        });
        found.sort(function (a, b) { return b[1] - a[1]; });
        return [key].concat(found.slice(0, MAX_EXPANSIONS).map(function (e) { return e[0]; }));
      });
    });
  }

  /* ---- queries ---- */

  /* Lower case, without tone and vowel marks, đ as d: how words compare. */
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").normalize("NFC").toLowerCase();
  }

  function words(text) {
    return text.normalize("NFC").toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(function (w) {
      return w && w.length <= 40;
    });
  }

  function termsOf(query) {
    return words(query).map(function (word, i, all) {
      var key = fold(word);
      return { word: word, key: key, accented: key !== word, last: i === all.length - 1 };
    });
  }

  function rarity(holders, n) {
    return Math.log(1 + (n - holders + 0.5) / (holders + 0.5)) + 0.1;
  }

  /* The keys a term is looked up under: itself, and for the word being
     typed the words it begins. */
  function keysOf(term) {
    return term.last ? expansions(term.key) : Promise.resolve([term.key]);
  }

  /* Score of one query word per plan (0: the plan does not hold it). */
  function scoreTerm(term, found, n) {
    return Promise.all(found.map(postingsOf)).then(function (entries) {
      var scores = new Float64Array(n);
      entries.forEach(function (entry, i) {
        if (!entry) return;
        var longer = found[i] === term.key ? 1 : LONGER_WORD;
        var weight = rarity(entry.holders, n) * longer / 255;
        entry.spellings.forEach(function (spelling) {
          var own = !term.accented || spelling.word === term.word ||
            (found[i] !== term.key && spelling.word.indexOf(term.word) === 0);
          var factor = weight * (own ? 1 : OTHER_SPELLING);
          eachPosting(spelling, function (doc, score) {
            var value = score * factor;
            if (value > scores[doc]) scores[doc] = value;
          });
        });
      });
      return scores;
    });
  }

  /* For two consecutive query words: which plans hold them side by side in
     the query's order (2), only in the other order (1), and the pairs' score. */
  function scorePair(firstKeys, secondKeys, n) {
    var forward = [];
    var backward = [];
    firstKeys.forEach(function (a) {
      secondKeys.forEach(function (b) {
        forward.push(a + " " + b);
        backward.push(b + " " + a);
      });
    });
    return Promise.all(forward.concat(backward).map(postingsOf)).then(function (entries) {
      var side = new Uint8Array(n);
      var scores = new Float64Array(n);
      entries.forEach(function (entry, i) {
        if (!entry) return;
        var inOrder = i < forward.length;
        var weight = rarity(entry.holders, n) * PAIR_WEIGHT / 255;
        entry.spellings.forEach(function (spelling) {
          eachPosting(spelling, function (doc, score) {
            var value = score * weight * (inOrder ? 1 : OTHER_ORDER);
            if (value > scores[doc]) scores[doc] = value;
            if (inOrder) side[doc] = 2;
            else if (!side[doc]) side[doc] = 1;
          });
        });
      });
      return { side: side, scores: scores };
    });
  }

  /* Every plan holding all the words (all plans when there are none):
     {docs, score, phrase, near}, the last three indexed by plan id; phrase
     counts the query's consecutive pairs found adjacent in its order, near
     those found adjacent in either order. */
  function match(terms, n) {
    var found = { docs: [], score: new Float64Array(n), phrase: new Uint8Array(n), near: new Uint8Array(n) };
    if (!terms.length) {
      for (var i = 0; i < n; i++) found.docs.push(i);
      return Promise.resolve(found);
    }
    return Promise.all(terms.map(keysOf)).then(function (keys) {
      var pairKeys = keys.map(function (k) { return k.slice(0, PAIR_EXPANSIONS); });
      var words = terms.map(function (t, i) { return scoreTerm(t, keys[i], n); });
      var pairs = [];
      for (var p = 1; p < terms.length; p++) pairs.push(scorePair(pairKeys[p - 1], pairKeys[p], n));
      return Promise.all([Promise.all(words), Promise.all(pairs)]);
    }).then(function (scored) {
      var words = scored[0];
      var pairs = scored[1];
      for (var doc = 0; doc < n; doc++) {
        var total = 0;
        var all = true;
        for (var w = 0; w < words.length; w++) {
          if (!words[w][doc]) { all = false; break; }
          total += words[w][doc];
        }
        if (!all) continue;
        for (var q = 0; q < pairs.length; q++) {
          var side = pairs[q].side[doc];
          if (side === 2) found.phrase[doc]++;
          if (side) found.near[doc]++;
          total += pairs[q].scores[doc];
        }
        found.score[doc] = total;
        found.docs.push(doc);
      }
      return found;
    });
  }

  /* The value of each filter for plan `doc`, as the options name them. */
  function valuesOf(table, m, doc, today) {
    var start = table.start[doc];
    var end = table.end[doc];
    var state = !start ? "unknown" : today < start ? "upcoming" : today > end ? "ended" : "ongoing";
    return {
      nam: table.year[doc] ? m.years[table.year[doc] - 1] : "",
      co_quan: m.issuers[table.issuer[doc]],
      loai: m.types[table.type[doc]],
      tinh_trang: state
    };
  }

  function wanted(select) {
    if (!select.value) return "";
    return select.dataset.sgFilter === "tinh_trang" ? STATUS_OF_LABEL[select.value] : select.value;
  }

  /* Filter, count (for each select, with the other selects applied), sort:
     the plan ids to show, in order, and the counts. */
  function refine(found, table, m) {
    var today = window.sgStatus.dayNumber(window.sgStatus.today(new Date(Date.now())));
    var filters = selects.map(function (s) {
      return { key: s.dataset.sgFilter, want: wanted(s), counts: {} };
    });
    var kept = [];
    found.docs.forEach(function (doc) {
      var values = valuesOf(table, m, doc, today);
      var misses = 0;
      var missed = -1;
      for (var f = 0; f < filters.length; f++) {
        if (filters[f].want && values[filters[f].key] !== filters[f].want) { misses++; missed = f; }
      }
      if (misses > 1) return;
      for (f = 0; f < filters.length; f++) {
        if (!misses || missed === f) {
          var counts = filters[f].counts;
          var value = values[filters[f].key];
          counts[value] = (counts[value] || 0) + 1;
        }
      }
      if (!misses) kept.push(doc);
    });
    var order = sort.value;
    var rank = new Float64Array(table.n);
    kept.forEach(function (doc) {
      /* tiers: adjacent in order, then side by side, then the score */
      rank[doc] = found.phrase[doc] * 1e8 + found.near[doc] * 1e5 + found.score[doc];
    });
    kept.sort(function (a, b) {
      if (order) {
        var da = table.day[a];
        var db = table.day[b];
        if (!da !== !db) return da ? -1 : 1;  /* undated plans last */
        if (da !== db) return order === "asc" ? da - db : db - da;
      }
      return rank[b] - rank[a] || b - a;  /* ids count from the oldest: newest first */
    });
    var counts = {};
    filters.forEach(function (f) { counts[f.key] = f.counts; });
    return { kept: kept, counts: counts };
  }

  /* ---- the page ---- */

  function restore() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    selects.concat([sort]).forEach(function (s) {
      var value = params.get(s.name) || "";
      var known = Array.prototype.some.call(s.options, function (o) { return o.value === value; });
      s.value = known ? value : "";
    });
  }

  function remember() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    selects.concat([sort]).forEach(function (s) { if (s.value) params.set(s.name, s.value); });
    var query = params.toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
  }

  function showCounts(counts) {
    selects.forEach(function (s) {
      var byValue = counts[s.dataset.sgFilter] || {};
      Array.prototype.forEach.call(s.options, function (o) {
        if (!o.value) return;
        var key = s.dataset.sgFilter === "tinh_trang" ? STATUS_OF_LABEL[o.value] : o.value;
        o.textContent = o.value + " (" + (byValue[key] || 0) + ")";
      });
    });
  }

  /* The plan's lead with the words of the query marked; the last word also
     marks the words it begins, as the search matched them. */
  function markedLead(text, query) {
    var terms = words(query).map(fold);
    var last = terms[terms.length - 1];
    var out = document.createDocumentFragment();
    text.split(/([\p{L}\p{N}_]+)/u).forEach(function (part, i) {
      if (!part) return;
      var folded = fold(part);
      if (i % 2 === 1 && (terms.indexOf(folded) >= 0 || (last && folded.indexOf(last) === 0))) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(part));
      }
    });
    return out;
  }

  function render(row, query) {
    var li = document.createElement("li");
    li.className = "sg-result";
    var heading = document.createElement("h2");
    heading.className = "sg-result__title";
    var title = document.createElement("a");
    title.href = "../ke-hoach/" + encodeURIComponent(row[0]) + "/";
    title.textContent = row[1];
    heading.appendChild(title);
    li.appendChild(heading);
    var facts = document.createElement("p");
    facts.className = "sg-sub";
    facts.textContent = [row[2], row[3], row[4]].filter(Boolean).join(" · ");
    if (row[6] && row[7]) {
      var badge = document.createElement("span");
      window.sgStatus.badge(badge, row[6], row[7], window.sgStatus.today(new Date(Date.now())));
      facts.appendChild(document.createTextNode(" "));
      facts.appendChild(badge);
    }
    li.appendChild(facts);
    if (row[5]) {
      var lead = document.createElement("p");
      lead.className = "sg-excerpt";
      lead.appendChild(markedLead(row[5], query));
      li.appendChild(lead);
    }
    return li;
  }

  /* The next page of results, each shown as soon as it and those above it
     have their metadata (the first does not wait for the tenth). */
  function showMore(mine) {
    var slice = results.slice(shown, shown + PAGE);
    var query = input.value;
    shown += slice.length;
    more.hidden = true;
    return manifest().then(function (m) {
      var chain = Promise.resolve();
      slice.forEach(function (r) {
        var shard = Math.floor(r / m.shard);
        var row = json("m" + shard + ".json").then(function (rows) { return rows[r % m.shard]; });
        chain = chain.then(function () { return row; }).then(function (loaded) {
          if (mine === seq) list.appendChild(render(loaded, query));
        });
      });
      return chain;
    }).then(function () {
      if (mine === seq) more.hidden = shown >= results.length;
    });
  }

  function run() {
    var mine = ++seq;
    var terms = termsOf(input.value);
    var filtering = selects.some(function (s) { return s.value; });
    remember();
    if (!terms.length && !filtering) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "Nhập từ khóa hoặc chọn bộ lọc.";
      return Promise.resolve();
    }
    status.textContent = "Đang tìm…";
    return Promise.all([manifest(), docs()]).then(function (loaded) {
      return match(terms, loaded[1].n).then(function (found) {
        return refine(found, loaded[1], loaded[0]);
      });
    }).then(function (refined) {
      if (mine !== seq) return;
      results = refined.kept;
      shown = 0;
      list.replaceChildren();
      showCounts(refined.counts);
      status.textContent = results.length
        ? "Tìm thấy " + results.length + " văn bản."
        : "Không tìm thấy văn bản nào. Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc.";
      return showMore(mine);
    }).catch(function () {
      if (mine === seq) status.textContent = "Không tải được chỉ mục tìm kiếm. Hãy thử lại sau.";
    });
  }

  /* While the reader types, fetch the postings of the words typed so far,
     of their pairs, and for the word being typed its own postings and the
     word list it is completed from (its pairs and the words it may begin
     wait for the search: each letter would fetch other files). */
  function prefetch() {
    termsOf(input.value).forEach(function (term, i, all) {
      if (term.last && Array.from(term.key).length < MIN_PREFIX) return;
      postingsOf(term.key).catch(function () {});
      if (term.last) expansions(term.key).catch(function () {});
      if (i && !term.last) {
        postingsOf(all[i - 1].key + " " + term.key).catch(function () {});
        postingsOf(term.key + " " + all[i - 1].key).catch(function () {});
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    seq++;  /* a search still running is for words the reader has changed */
    prefetch();
    timer = setTimeout(run, PAUSE);
  });
  selects.concat([sort]).forEach(function (s) { s.addEventListener("change", run); });
  more.addEventListener("click", function () { showMore(seq); });

  restore();
  docs().catch(function () {});
  run();
})();
