// Timeline filters: enhances the plain list of incidents on the timeline page
// with select boxes for narrative, actor and platform. Without JavaScript the
// page stays a complete list.
(function () {
  "use strict";

  function optionsFrom(items, attribute, labelOf) {
    const values = new Map();
    items.forEach(function (item) {
      const raw = item.getAttribute(attribute) || "";
      const list = attribute === "data-platform" ? (raw ? [raw] : []) : raw.split(" ").filter(Boolean);
      list.forEach(function (value) { values.set(value, labelOf(value)); });
    });
    return Array.from(values.entries()).sort(function (a, b) { return a[1].localeCompare(b[1]); });
  }

  function labelFromLinks(folder) {
    const titles = new Map();
    document.querySelectorAll('a[href*="' + folder + '/"]').forEach(function (link) {
      const match = link.getAttribute("href").match(new RegExp(folder + "/([^/]+)/?$"));
      if (match) titles.set(match[1], link.textContent.trim());
    });
    return function (id) { return titles.get(id) || id.replace(/-/g, " "); };
  }

  function makeSelect(id, label, options) {
    const wrapper = document.createElement("label");
    wrapper.setAttribute("for", id);
    wrapper.textContent = label;
    const select = document.createElement("select");
    select.id = id;
    const all = document.createElement("option");
    all.value = "";
    all.textContent = "All";
    select.appendChild(all);
    options.forEach(function (pair) {
      const option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      select.appendChild(option);
    });
    wrapper.appendChild(select);
    return wrapper;
  }

  function setUp() {
    const holder = document.getElementById("kb-timeline-filters");
    const items = Array.from(document.querySelectorAll(".kb-incident"));
    if (!holder || !items.length || holder.dataset.ready) return;
    holder.dataset.ready = "yes";

    const names = {
      narrative: labelFromLinks("narratives"),
      actor: labelFromLinks("actors"),
    };
    const narratives = optionsFrom(items, "data-narratives", function (id) { return names.narrative(id); });
    const actors = optionsFrom(items, "data-actors", function (id) { return names.actor(id); });
    const platforms = optionsFrom(items, "data-platform", function (value) { return value; });

    const form = document.createElement("div");
    form.className = "kb-filters";
    form.setAttribute("role", "group");
    form.setAttribute("aria-label", "Filter the timeline");
    form.appendChild(makeSelect("kb-filter-narrative", "Narrative", narratives));
    form.appendChild(makeSelect("kb-filter-actor", "Actor", actors));
    form.appendChild(makeSelect("kb-filter-platform", "Platform", platforms));
    const count = document.createElement("span");
    count.id = "kb-timeline-count";
    count.setAttribute("aria-live", "polite");
    form.appendChild(count);
    holder.replaceChildren(form);

    function apply() {
      const narrative = document.getElementById("kb-filter-narrative").value;
      const actor = document.getElementById("kb-filter-actor").value;
      const platform = document.getElementById("kb-filter-platform").value;
      let shown = 0;
      items.forEach(function (item) {
        const ok =
          (!narrative || (item.dataset.narratives || "").split(" ").includes(narrative)) &&
          (!actor || (item.dataset.actors || "").split(" ").includes(actor)) &&
          (!platform || item.dataset.platform === platform);
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      document.querySelectorAll(".md-content h2").forEach(function (heading) {
        let next = heading.nextElementSibling;
        let visible = false;
        while (next && next.tagName !== "H2") {
          if (next.classList.contains("kb-incident") && !next.hidden) visible = true;
          next = next.nextElementSibling;
        }
        heading.hidden = !visible;
      });
      count.textContent = shown + (shown === 1 ? " incident shown" : " incidents shown");
    }

    form.addEventListener("change", apply);
    apply();
  }

  // Material's instant navigation swaps pages without reloading scripts.
  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
