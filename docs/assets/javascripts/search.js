// Site search on Pagefind's static index (kb/search.py builds it after the site).
// The index is loaded on first use, in small chunks, so a page costs nothing
// until the reader searches, and a search costs a few hundred kilobytes
// whatever the size of the site.
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 120;
  // Pagefind's "kind" filter holds the singular; the buttons say the plural.
  var box = document.querySelector("[data-kb-search]");
  if (!box) return;
  // Messages in the page's language (overrides/partials/kb-search.html).
  var MESSAGES = JSON.parse(box.getAttribute("data-kb-messages") || "{}");
  // A message about a number comes in the plural categories of the page's
  // language (Russian: one, few, many); Intl.PluralRules says which applies.
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;
  function message(key, values) {
    var text = MESSAGES[key] || key;
    if (typeof text === "object") {
      text = text[plurals ? plurals.select(values.count) : "other"] || text.other;
    }
    return String(text).replace(/\{(\w+)\}/g, function (_all, name) {
      return values && name in values ? values[name] : "";
    });
  }
  // Long pages (a head of state in hundreds of incidents) are penalised less
  // than by default, so they are not buried under short pages that mention
  // them; a language's configuration may add to this (extra.search_ranking).
  var RANKING = Object.assign({pageLength: 0.2}, JSON.parse(box.getAttribute("data-kb-ranking") || "{}"));
  // The other languages' sites, whose indexes "all languages" adds.
  var otherLanguages = (box.getAttribute("data-kb-languages") || "").split(" ").filter(Boolean);
  var otherRoots = (box.getAttribute("data-kb-roots") || "").split(" ").filter(Boolean);
  var everywhere = box.querySelector(".kb-search__all-languages");
  var input = box.querySelector(".kb-search__input");
  var panel = box.querySelector(".kb-search__panel");
  var status = box.querySelector(".kb-search__status");
  var kinds = box.querySelector(".kb-search__kinds");
  var list = box.querySelector(".kb-search__results");
  var more = box.querySelector(".kb-search__more");
  // The site root as a path, so result links work when the site lives in a sub-folder.
  var root = new URL(box.getAttribute("data-kb-search"), location.href);

  var engine = null;      // Pagefind's module for the page's language, once loaded
  var allEngine = null;   // a second instance with every language's index merged in
  var latest = 0;         // number of the newest query; older answers are dropped
  var timer = null;
  var state = {query: "", kind: "", results: [], shown: 0};

  function startEngine(moduleUrl) {
    return import(moduleUrl).then(function (pagefind) {
      return pagefind.options({baseUrl: root.pathname, excerptLength: 24, ranking: RANKING})
        .then(function () { return pagefind; });
    });
  }

  function loadEngine() {
    if (everywhere && everywhere.checked && otherRoots.length) {
      if (!allEngine) {
        // A query string makes the browser load a second, separate module.
        allEngine = startEngine(new URL("pagefind/pagefind.js?all", root).href).then(function (pagefind) {
          return Promise.all(otherRoots.map(function (other, index) {
            var base = new URL(other, location.href);
            return pagefind.mergeIndex(new URL("pagefind/", base).pathname,
                                       {language: otherLanguages[index], baseUrl: base.pathname});
          })).then(function () { return pagefind.filters(); }).then(function () { return pagefind; });
        });
      }
      return allEngine;
    }
    if (!engine) {
      engine = startEngine(new URL("pagefind/pagefind.js", root).href).then(function (pagefind) {
        return pagefind.filters().then(function () { return pagefind; });  // loads the counts per kind
      });
    }
    return engine;
  }

  // Pagefind's excerpts are escaped text with <mark> around the matched words.
  // They are rebuilt as text nodes and <mark> elements, never parsed as HTML.
  function decode(text) {
    var area = document.createElement("textarea");
    area.innerHTML = text;
    return area.value;
  }

  function excerptNodes(excerpt) {
    var fragment = document.createDocumentFragment();
    String(excerpt || "").split(/(<mark>.*?<\/mark>)/).forEach(function (part) {
      var marked = /^<mark>(.*)<\/mark>$/.exec(part);
      if (marked) {
        var mark = document.createElement("mark");
        mark.textContent = decode(marked[1]);
        fragment.appendChild(mark);
      } else if (part) {
        fragment.appendChild(document.createTextNode(decode(part)));
      }
    });
    return fragment;
  }

  function span(className, content) {
    var element = document.createElement("span");
    element.className = className;
    if (typeof content === "string") element.textContent = content;
    else element.appendChild(content);
    return element;
  }

  function resultItem(data) {
    var item = document.createElement("li");
    item.className = "kb-search__result";
    var link = document.createElement("a");
    link.className = "kb-search__link";
    link.href = data.url;
    var kind = (data.meta && data.meta.kind) || "Page";
    link.appendChild(span("kb-search__kind kb-search__kind--" + kind.toLowerCase(), message("kind." + kind)));
    var language = languageOf(data.url);
    if (language) link.appendChild(span("kb-search__language", language.toUpperCase()));
    link.appendChild(document.createTextNode(" "));
    link.appendChild(span("kb-search__title", decode((data.meta && data.meta.title) || data.url)));
    link.appendChild(span("kb-search__excerpt", excerptNodes(data.excerpt)));
    item.appendChild(link);
    return item;
  }

  // The language of a result from another language's site: the language whose
  // site's address is the longest start of the result's ("" for the page's own).
  function languageOf(url) {
    var path = new URL(url, location.href).pathname;
    var found = "", longest = root.pathname.length * (path.indexOf(root.pathname) === 0 ? 1 : -1);
    otherRoots.forEach(function (other, index) {
      var prefix = new URL(other, location.href).pathname;
      if (path.indexOf(prefix) === 0 && prefix.length > longest) {
        found = otherLanguages[index];
        longest = prefix.length;
      }
    });
    return found;
  }

  function describe() {
    var count = state.results.length;
    var values = {count: count, query: state.query};
    var text = message(count === 0 ? "none" : "results", values);
    if (state.kind) text += " " + message("among", {kind: message(state.kind).toLowerCase()});
    return text + ".";
  }

  function kindButton(value, label, count) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kb-search__kind-filter";
    button.setAttribute("aria-pressed", String(state.kind === value));
    button.textContent = count === null ? label : label + " (" + count + ")";
    button.addEventListener("click", function () {
      state.kind = state.kind === value ? "" : value;
      search(state.query);
      input.focus();
    });
    return button;
  }

  function showKinds(totals) {
    kinds.replaceChildren();
    var values = Object.keys(totals || {}).filter(function (value) { return totals[value] > 0; });
    if (values.length < 2 && !state.kind) return;
    kinds.appendChild(kindButton("", message("all"), null));
    values.sort().forEach(function (value) {
      kinds.appendChild(kindButton(value, message(value), totals[value]));
    });
  }

  function showMore(query) {
    var batch = state.results.slice(state.shown, state.shown + PAGE_SIZE);
    return Promise.all(batch.map(function (result) { return result.data(); })).then(function (pages) {
      if (query !== latest) return;
      pages.forEach(function (data) { list.appendChild(resultItem(data)); });
      state.shown += pages.length;
      more.hidden = state.shown >= state.results.length;
    });
  }

  function open() {
    panel.hidden = false;
  }

  function close() {
    panel.hidden = true;
  }

  function search(text) {
    var query = ++latest;
    state.query = text.trim();
    if (!state.query) {
      close();
      return Promise.resolve();
    }
    box.setAttribute("aria-busy", "true");
    return loadEngine().then(function (pagefind) {
      var options = state.kind ? {filters: {kind: state.kind}} : {};
      return pagefind.search(state.query, options);
    }).then(function (found) {
      if (query !== latest) return;
      state.results = (found && found.results) || [];
      state.shown = 0;
      list.replaceChildren();
      showKinds(found && found.totalFilters && found.totalFilters.kind);
      return showMore(query).then(function () {
        if (query !== latest) return;
        status.textContent = describe();
        box.removeAttribute("aria-busy");
        open();
      });
    }).catch(function (error) {
      if (query !== latest) return;
      box.removeAttribute("aria-busy");
      status.textContent = message("unavailable", {error: error.message});
      open();
    });
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll(".kb-search__link"));
  }

  function moveFocus(step) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (!all.length) return;
    if (at < 0) all[step > 0 ? 0 : all.length - 1].focus();
    else if (at + step < 0) input.focus();
    else all[Math.min(at + step, all.length - 1)].focus();
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, DEBOUNCE_MS);
  });
  input.addEventListener("focus", function () {
    loadEngine();  // start fetching while the reader types
    if (state.query && state.query === input.value.trim()) open();
  });
  box.querySelector("form").addEventListener("submit", function (event) {
    // Enter opens the first result, as in most site searches.
    event.preventDefault();
    clearTimeout(timer);
    search(input.value).then(function () {
      var first = links()[0];
      if (first) location.href = first.href;
    });
  });
  more.addEventListener("click", function () { showMore(latest); });
  if (everywhere) {
    if (!otherRoots.length) everywhere.parentNode.hidden = true;
    everywhere.addEventListener("change", function () { search(input.value); });
  }
  box.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); moveFocus(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); moveFocus(-1); }
    else if (event.key === "Escape") { close(); input.focus(); }
  });
  document.addEventListener("click", function (event) {
    if (!box.contains(event.target)) close();
  });
  document.addEventListener("keydown", function (event) {
    // "/" jumps to the search box, unless the reader is typing somewhere.
    var target = event.target;
    var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
    }
  });

  box.hidden = false;
  // A link such as /?q=Medvedev opens the site with that search done.
  var asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    input.value = asked;
    search(asked);
  }
})();
