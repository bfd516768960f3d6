// Filters and sort order for the timeline, the index pages and the entry
// pages' dated lists. The page carries a hidden form (templates/_macros.j2,
// filter_form or sort_form); listed entries that can be filtered are marked
// `.kb-item`, and every dated item carries data-date (kb/views_index.py,
// templates/_macros.j2). This script shows the form, applies it, and keeps
// the choice in the address (?narratives=...&sort=newest) so a view can be
// shared, bookmarked and reloaded. Without JavaScript every entry stays
// listed in the order the server wrote: oldest first, as everywhere.
(function () {
  "use strict";

  function words(value) {
    return (value || "").split(" ").filter(Boolean);
  }

  // The role select narrows the actor select: "pushed" looks in data-pushed
  // instead of data-actors. Lists with no actor select (the actors index)
  // carry their own data-role.
  function matches(item, choice) {
    return Object.keys(choice).every(function (name) {
      const value = choice[name];
      if (!value || name === "sort") return true;
      if (name === "role") {
        if (item.dataset.role !== undefined) return words(item.dataset.role).includes(value);
        if (!choice.actors) return words(item.dataset[value]).length > 0;
        return true;
      }
      if (name === "actors" && choice.role) return words(item.dataset[choice.role]).includes(value);
      return words(item.dataset[name]).includes(value);
    });
  }

  // A heading and everything up to the next heading of its level: a year, or a group.
  function sectionsAfter(form) {
    const sections = [];
    let node = form.nextElementSibling;
    let current = null;
    while (node) {
      if (node.tagName === "H2") {
        current = { heading: node, nodes: [] };
        sections.push(current);
      } else if (current) {
        current.nodes.push(node);
      }
      node = node.nextElementSibling;
    }
    return sections;
  }

  function dated(item) {
    const marked = item.matches("[data-date]") ? item : item.querySelector("[data-date]");
    return Boolean(marked && marked.dataset.date);
  }

  // Every list on the page whose items are dated, with its items in the
  // order the server wrote them (oldest first), so "oldest" restores it.
  function datedLists() {
    const lists = [];
    document.querySelectorAll(".md-content [data-date]").forEach(function (marked) {
      const item = marked.closest("li");
      const list = item && item.parentNode;
      if (list && !lists.some(function (known) { return known.list === list; })) {
        lists.push({ list: list, items: Array.from(list.children) });
      }
    });
    return lists;
  }

  // Newest first reverses the dated items; an item without a date (an actor
  // with no incident yet) stays at the end either way.
  function orderLists(lists, newest) {
    lists.forEach(function (known) {
      const order = newest
        ? known.items.filter(dated).reverse().concat(known.items.filter(function (i) { return !dated(i); }))
        : known.items;
      order.forEach(function (item) { known.list.appendChild(item); });
    });
  }

  // On pages grouped by year (the form says data-kb-years) the years turn too.
  function orderSections(sections, newest) {
    if (!sections.length) return;
    const parent = sections[0].heading.parentNode;
    const marker = document.createComment("kb-sort");
    const last = sections[sections.length - 1];
    parent.insertBefore(marker, (last.nodes[last.nodes.length - 1] || last.heading).nextSibling);
    (newest ? sections.slice().reverse() : sections).forEach(function (section) {
      parent.insertBefore(section.heading, marker);
      (newest ? section.nodes.slice().reverse() : section.nodes).forEach(function (node) {
        parent.insertBefore(node, marker);
      });
    });
    marker.remove();
  }

  // A heading is hidden only when it heads filtered items and none is left.
  function hideEmptySections(sections) {
    sections.forEach(function (section) {
      const own = [];
      section.nodes.forEach(function (node) {
        if (node.classList.contains("kb-item")) own.push(node);
        node.querySelectorAll(".kb-item").forEach(function (item) { own.push(item); });
      });
      if (own.length) section.heading.hidden = !own.some(function (item) { return !item.hidden; });
    });
  }

  function setUp(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "yes";
    const items = Array.from(document.querySelectorAll(".kb-item"));
    const selects = Array.from(form.querySelectorAll("select"));
    const count = form.querySelector(".kb-filters__count");
    const total = items.length;
    const sections = sectionsAfter(form);
    const years = form.dataset.kbYears !== undefined ? sections : [];
    const lists = datedLists();
    const note = document.getElementById("kb-timeline-filters");
    if (note) note.hidden = true;
    form.hidden = false;

    const params = new URLSearchParams(location.search);
    selects.forEach(function (select) {
      const wanted = params.get(select.name);
      if (wanted !== null && Array.from(select.options).some(function (o) { return o.value === wanted; })) {
        select.value = wanted;
      }
    });

    function choice() {
      const chosen = {};
      selects.forEach(function (select) { chosen[select.name] = select.value; });
      return chosen;
    }

    function apply() {
      const chosen = choice();
      let shown = 0;
      items.forEach(function (item) {
        const ok = matches(item, chosen);
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      hideEmptySections(sections);
      const newest = chosen.sort === "newest";
      orderSections(years, newest);
      orderLists(lists, newest);
      if (count) {
        const template = form.dataset.countText || "{shown} of {total} shown";
        count.textContent = template.replace("{shown}", shown).replace("{total}", total);
      }
      const query = new URLSearchParams();
      selects.forEach(function (select) {
        const isDefault = select.value === "" || (select.name === "sort" && select.selectedIndex === 0);
        if (!isDefault) query.set(select.name, select.value);
      });
      const search = query.toString();
      history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
    }

    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    const reset = form.querySelector(".kb-filters__reset");
    if (reset) {
      reset.addEventListener("click", function (event) {
        event.preventDefault();
        selects.forEach(function (select) { select.selectedIndex = 0; });
        apply();
      });
    }
    apply();
  }

  function setUpAll() {
    document.querySelectorAll("form[data-kb-filters]").forEach(setUp);
  }

  // Material's instant navigation swaps pages without reloading scripts.
  if (typeof document$ !== "undefined") {
    document$.subscribe(setUpAll);
  } else {
    document.addEventListener("DOMContentLoaded", setUpAll);
  }
})();
