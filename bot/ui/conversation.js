// The conversation's buttons and links. Delegated listeners on the element survive re-renders; what a
// reader has started under an answer (a rating, its comment, the focus) is kept in `drafts` and put back
// after each re-render, since a streaming answer replaces the whole conversation's HTML many times.

// Hand a value to a hidden Gradio textbox, then press its hidden button (the value must arrive first).
const call = (boxSelector, goSelector, value) => {
  const box = document.querySelector(boxSelector + " textarea");
  box.value = value;
  box.dispatchEvent(new Event("input", { bubbles: true }));
  setTimeout(() => document.querySelector(goSelector).click(), 50);
};

const turnOf = (node) => node.closest("section.sb-turn");
const questionOf = (section) => (section ? section.querySelector(".sb-q").textContent : "");
const drafts = new Map(); // turn number -> { question, rating, comment }
let typing = null; // the comment box being typed in: { turn, start, end }

const openCite = (cite) => {
  const panel = element.querySelector("#" + CSS.escape(cite.dataset.target));
  if (!panel) return;
  element.querySelectorAll("details.sb-source.sb-active").forEach((d) => d.classList.remove("sb-active"));
  panel.open = true;
  panel.classList.add("sb-active");
  panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
  panel.querySelector("summary").focus();
};

const writeClipboard = async (text) => {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  // Over plain http on another machine the Clipboard API is missing: the older way still works there.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const done = document.execCommand("copy");
  area.remove();
  if (!done) throw new Error("copy refused");
};

const copyAnswer = (button) => {
  const link = button.parentElement.querySelector("a.sb-permalink");
  const text = button.dataset.copy + (link ? "\n\n" + link.href : "");
  const say = (label) => {
    button.textContent = label;
    setTimeout(() => (button.textContent = "Copy answer"), 2000);
  };
  writeClipboard(text).then(() => say("Copied"), () => say("Copy failed: select the text instead"));
};

const chooseRating = (button) => {
  const section = turnOf(button);
  const turn = button.dataset.turn;
  const comment = drafts.has(turn) ? drafts.get(turn).comment : "";
  drafts.set(turn, { question: questionOf(section), rating: button.dataset.rating, comment });
  restoreDrafts();
  const area = section.querySelector("textarea.sb-comment-box");
  if (area) area.focus();
};

const sendRating = (button) => {
  const draft = drafts.get(button.dataset.turn);
  if (!draft) return;
  const payload = { turn: Number(button.dataset.turn), rating: Number(draft.rating), comment: draft.comment };
  call("#sb-rate-target", "#sb-rate-go", JSON.stringify(payload));
};

element.addEventListener("click", (event) => {
  const target = event.target;
  const cite = target.closest("a.sb-cite");
  if (cite) {
    event.preventDefault();
    openCite(cite);
    return;
  }
  const rating = target.closest("button.sb-rate-btn");
  if (rating) return chooseRating(rating);
  const send = target.closest("button.sb-rate-send");
  if (send) return sendRating(send);
  const copy = target.closest("button.sb-copy");
  if (copy) return copyAnswer(copy);
  const retry = target.closest("button.sb-retry");
  if (retry) return call("#sb-retry-target", "#sb-retry-go", retry.dataset.turn);
  const suggestion = target.closest("button.sb-suggest");
  if (suggestion) {
    const box = document.querySelector("#sb-question textarea");
    box.value = suggestion.dataset.q;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(() => document.querySelector("#sb-send").click(), 50);
  }
});

const noteTyping = (area) => {
  typing = { turn: turnOf(area).id, start: area.selectionStart, end: area.selectionEnd };
};
element.addEventListener("input", (event) => {
  const area = event.target.closest("textarea.sb-comment-box");
  if (!area) return;
  const draft = drafts.get(area.closest(".sb-rate").dataset.turn);
  if (draft) draft.comment = area.value;
  noteTyping(area);
});
element.addEventListener("keyup", (event) => {
  if (event.target.matches("textarea.sb-comment-box")) noteTyping(event.target);
});
element.addEventListener("focusin", (event) => {
  if (event.target.matches("textarea.sb-comment-box")) noteTyping(event.target);
});
element.addEventListener("focusout", (event) => {
  const area = event.target;
  // A re-render removes the box (keep the note, to focus its replacement); the reader leaving it does not.
  if (area.matches("textarea.sb-comment-box")) setTimeout(() => area.isConnected && (typing = null), 0);
});

function restoreDrafts() {
  for (const [turn, draft] of drafts) {
    const box = element.querySelector(`.sb-rate[data-turn="${CSS.escape(turn)}"]`);
    // Gone: the rating was saved, or the conversation was cleared (its turn number now another question's).
    if (!box || box.classList.contains("sb-rated") || questionOf(turnOf(box)) !== draft.question) {
      drafts.delete(turn);
      continue;
    }
    box.querySelectorAll("button.sb-rate-btn").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.rating === draft.rating));
    });
    const form = box.querySelector(".sb-rate-form");
    form.hidden = false;
    const area = form.querySelector("textarea");
    if (area.value !== draft.comment) area.value = draft.comment;
  }
  if (typing && !element.contains(document.activeElement)) {
    const area = element.querySelector(`#${CSS.escape(typing.turn)} textarea.sb-comment-box`);
    if (area && !area.closest(".sb-rate-form").hidden) {
      area.focus({ preventScroll: true });
      area.setSelectionRange(typing.start, typing.end);
    }
  }
}

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

// The page's calls come back on different connections, so an older rendering can arrive after a newer
// one (a question's "queued" after its answer): then ask for the conversation as it is now.
let seen = -1;
let refreshing = false;
const checkVersion = () => {
  const root = element.querySelector("[data-version]");
  if (!root) return;
  const version = Number(root.dataset.version);
  if (version >= seen) {
    seen = version;
  } else if (!refreshing) {
    refreshing = true;
    document.querySelector("#sb-refresh").click();
    setTimeout(() => (refreshing = false), 1000);
  }
};

new MutationObserver(() => {
  checkVersion();
  const { newest, key } = stateOf();
  if (newest && key !== shown && !typing) newest.scrollIntoView({ block: "start" });
  shown = key;
  restoreDrafts();
  // Stop is offered only while something is being answered or waits to be.
  document.body.classList.toggle("sb-answering", Boolean(element.querySelector(".sb-pending")));
}).observe(element, { childList: true, subtree: true });

// The question's length against the limit, before sending. Polled as well as on input: the page's own
// updates (a sent question cleared, a suggestion filled in) change the box without an input event.
const countQuestion = () => {
  const box = document.querySelector("#sb-question textarea");
  const count = document.querySelector("#sb-count .sb-count");
  if (!box || !count) return;
  const max = Number(count.dataset.max);
  const text = `${box.value.length} / ${max}`;
  const over = box.value.length > max;
  if (count.textContent !== text + (over ? " (too long)" : "")) count.textContent = text + (over ? " (too long)" : "");
  count.classList.toggle("sb-over", over);
  count.classList.toggle("sb-near", !over && box.value.length > max * 0.9);
};
document.addEventListener("input", (event) => {
  if (event.target.closest("#sb-question")) countQuestion();
});
setInterval(countQuestion, 500);
