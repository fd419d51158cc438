// Citations and suggestions inside the conversation HTML. One delegated listener survives re-renders.
element.addEventListener("click", (event) => {
  const cite = event.target.closest("a.sb-cite");
  if (cite) {
    event.preventDefault();
    const panel = element.querySelector("#" + CSS.escape(cite.dataset.target));
    if (!panel) return;
    element.querySelectorAll("details.sb-source.sb-active").forEach((d) => d.classList.remove("sb-active"));
    panel.open = true;
    panel.classList.add("sb-active");
    panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
    panel.querySelector("summary").focus();
    return;
  }
  const rating = event.target.closest("button.sb-rate-btn");
  if (rating) {
    const box = document.querySelector("#sb-rate-target textarea");
    box.value = rating.dataset.turn + " " + rating.dataset.rating;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(() => document.querySelector("#sb-rate-go").click(), 50);
    return;
  }
  const suggestion = event.target.closest("button.sb-suggest");
  if (suggestion) {
    const box = document.querySelector("#sb-question textarea");
    box.value = suggestion.dataset.q;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(() => document.querySelector("#sb-send").click(), 50);
  }
});

// A new question is scrolled to the top with its answer under it (on a phone, answers had landed
// below the fold), again once the answer is complete, as the page around it has moved. Only then:
// a reader scrolling back through the conversation is left alone. Instant, since a smooth scroll is
// cut short by the next re-render of the streaming answer.
const DONE = ".sb-sources, .sb-refusal, .sb-error";
const stateOf = () => {
  const turns = element.querySelectorAll("section.sb-turn");
  const newest = turns[turns.length - 1];
  return { newest, key: turns.length + (newest && newest.querySelector(DONE) ? ":done" : ":asked") };
};
let shown = stateOf().key;
new MutationObserver(() => {
  const { newest, key } = stateOf();
  if (newest && key !== shown) newest.scrollIntoView({ block: "start" });
  shown = key;
}).observe(element, { childList: true, subtree: true });
