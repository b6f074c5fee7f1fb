"use strict";
(() => {
  const tip = document.getElementById("tip");
  let pinned = null;

  function show(mark) {
    tip.replaceChildren();
    for (const anchor of mark.dataset.claims.split(" ")) {
      const card = document.getElementById(anchor)?.querySelector(".card");
      if (card) tip.appendChild(card.cloneNode(true));
    }
    const box = mark.getBoundingClientRect();
    tip.hidden = false;
    const left = Math.min(box.left, document.documentElement.clientWidth - tip.offsetWidth - 8);
    tip.style.left = `${Math.max(8, left) + window.scrollX}px`;
    tip.style.top = `${box.bottom + window.scrollY + 6}px`;
  }

  function hide() {
    if (pinned) {
      pinned.classList.remove("active");
      pinned = null;
    }
    tip.hidden = true;
  }

  const markOf = (event) => event.target.closest?.("mark.hl") ?? null;

  document.addEventListener("mouseover", (event) => {
    const mark = markOf(event);
    if (mark && !pinned) show(mark);
  });
  document.addEventListener("mouseout", (event) => {
    if (pinned || !markOf(event)) return;
    const next = event.relatedTarget;
    if (!(next instanceof Element && (next.closest("mark.hl") || next.closest("#tip")))) {
      tip.hidden = true;
    }
  });
  document.addEventListener("focusin", (event) => {
    const mark = markOf(event);
    if (mark && !pinned) show(mark);
  });
  document.addEventListener("focusout", (event) => {
    if (markOf(event) && !pinned) tip.hidden = true;
  });
  document.addEventListener("click", (event) => {
    const mark = markOf(event);
    if (mark) {
      const again = mark === pinned;
      hide();
      if (!again) {
        pinned = mark;
        mark.classList.add("active");
        show(mark);
      }
    } else if (!event.target.closest?.("#tip")) {
      hide();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hide();
    const mark = markOf(event);
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      mark.click();
    }
  });

  // Filters: one relation, one source and decided-or-all at a time; a fact shows when it
  // matches all three.
  const shown = { relation: "all", source: "", checked: "" };
  const unwanted = (item) =>
    (shown.relation !== "all" && item.dataset.relation !== shown.relation) ||
    (shown.checked !== "" && item.dataset.checked !== shown.checked);
  function apply() {
    for (const fact of document.querySelectorAll("article.fact")) {
      const sources = [...fact.querySelectorAll(".fact-member")].map((m) => m.dataset.source);
      fact.hidden = unwanted(fact) || (shown.source !== "" && !sources.includes(shown.source));
    }
    for (const row of document.querySelectorAll("tr.cluster")) {
      row.hidden = unwanted(row);
    }
  }
  function group(selector, key) {
    const buttons = document.querySelectorAll(selector);
    for (const button of buttons) {
      button.addEventListener("click", () => {
        shown[key] = button.dataset[key];
        for (const other of buttons) other.setAttribute("aria-pressed", String(other === button));
        apply();
      });
    }
  }
  group("button.filter", "relation");
  group("button.source-filter", "source");
  group("button.checked-filter", "checked");
  document.documentElement.dataset.ready = "true";
})();
