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

  const buttons = document.querySelectorAll("button.filter");
  for (const button of buttons) {
    button.addEventListener("click", () => {
      const relation = button.dataset.relation;
      for (const other of buttons) other.setAttribute("aria-pressed", String(other === button));
      for (const row of document.querySelectorAll("tr.cluster")) {
        row.hidden = relation !== "all" && row.dataset.relation !== relation;
      }
    });
  }
  document.documentElement.dataset.ready = "true";
})();
