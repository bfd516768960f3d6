// Filters and sort order for the timeline and the index pages. The page
// carries a hidden form (templates/_macros.j2, filter_form) and marks each
// listed entry `.kb-item` with data attributes (kb/views_index.py). This
// script shows the form, applies it, and keeps the choice in the address
// (?narratives=...&sort=newest) so a view can be shared, bookmarked and
// reloaded. Without JavaScript every entry stays listed, oldest first.
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

  function order(sections, newest) {
    if (!sections.length) return;
    const parent = sections[0].heading.parentNode;
    const after = sections[sections.length - 1].nodes.slice(-1)[0] || sections[sections.length - 1].heading;
    const marker = document.createComment("kb-sort");
    parent.insertBefore(marker, after.nextSibling);
    const list = newest ? sections.slice().reverse() : sections;
    list.forEach(function (section) {
      parent.insertBefore(section.heading, marker);
      const nodes = newest ? section.nodes.slice().reverse() : section.nodes;
      nodes.forEach(function (node) {
        if (node._kbOriginal) {
          const children = node._kbOriginal;
          (newest ? children.slice().reverse() : children).forEach(function (child) { node.appendChild(child); });
        }
        parent.insertBefore(node, marker);
      });
    });
    marker.remove();
  }

  function setUp(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "yes";
    const items = Array.from(document.querySelectorAll(".kb-item"));
    const selects = Array.from(form.querySelectorAll("select"));
    const count = form.querySelector(".kb-filters__count");
    const total = items.length;
    const sections = sectionsAfter(form);
    // Lists first record their original order, so "oldest" restores it.
    sections.forEach(function (section) {
      section.nodes.forEach(function (node) {
        if (node.tagName === "UL" || node.tagName === "OL") node._kbOriginal = Array.from(node.children);
      });
    });
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
      sections.forEach(function (section) {
        const visible = section.nodes.some(function (node) {
          return node.classList.contains("kb-item") ? !node.hidden
            : Array.from(node.querySelectorAll(".kb-item")).some(function (item) { return !item.hidden; });
        });
        section.heading.hidden = !visible;
      });
      order(sections, chosen.sort === "newest");
      const template = form.dataset.countText || "{shown} of {total} shown";
      count.textContent = template.replace("{shown}", shown).replace("{total}", total);
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
    form.querySelector(".kb-filters__reset").addEventListener("click", function (event) {
      event.preventDefault();
      selects.forEach(function (select) { select.selectedIndex = 0; });
      apply();
    });
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
