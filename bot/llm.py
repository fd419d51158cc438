"""LLM answering: any LangChain chat model, an OpenAI-compatible endpoint, or a local GGUF."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Generator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from bot.config import AnswererKind, Settings
from bot.conversation import HISTORY_PROMPTED, Message, RuleCondenser
from bot.embeddings import verify_sha256
from bot.errors import ModelError
from bot.present import LEADING_MARKERS, MARKER, for_history
from bot.prompts import render
from bot.redact import redact
from bot.retrieve import Query
from bot.scoring import Idf
from bot.suspicious import withheld
from bot.text import sentence_spans
from bot.types import Bio, Draft, DraftSentence, Hit

log = logging.getLogger(__name__)
REFUSAL_TOKEN = "NOT_IN_SOURCES"
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers)\b", re.IGNORECASE)


class LlamaCppChatModel(BaseChatModel):
    """A LangChain chat model over a local GGUF file, run by llama-cpp-python."""

    client: Any
    max_tokens: int = 320

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        roles = {"system": "system", "human": "user", "ai": "assistant"}
        payload = [{"role": roles.get(m.type, "user"), "content": str(m.content)} for m in messages]
        out = self.client.create_chat_completion(
            messages=payload, temperature=0.0, max_tokens=self.max_tokens, stop=stop
        )
        text = out["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


# A remote model's reply may take this long (a busy local server is slow, not gone); one retry.
REMOTE_TIMEOUT_S = 120
# Tokens a local GGUF model holds: the prompt's passages, history and the reply fit in it.
LOCAL_CONTEXT_TOKENS = 4096


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model the settings name (`openai` endpoint or `llamacpp` GGUF)."""
    if settings.answerer is AnswererKind.OPENAI:
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model or "",
            api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
            temperature=0,
            timeout=REMOTE_TIMEOUT_S,
            max_retries=1,
        )
    if settings.answerer is AnswererKind.LLAMACPP and settings.gguf_path is not None:
        verify_sha256(settings.gguf_path, settings.gguf_sha256)
        try:
            from llama_cpp import Llama
        except ImportError:
            raise ModelError("the llamacpp answerer needs the 'local' extra: pip install -e '.[local]'") from None
        threads = os.cpu_count() or 1
        client = Llama(model_path=str(settings.gguf_path), n_ctx=LOCAL_CONTEXT_TOKENS, n_threads=threads, verbose=False)
        return LlamaCppChatModel(client=client)
    raise ModelError(f"answerer {settings.answerer.value!r} does not use a chat model")


def _numbers(markers: str) -> list[int]:
    return [int(n) for group in MARKER.findall(markers) for n in re.findall(r"\d+", group)]


def parse_answer(text: str, n_passages: int) -> Draft:
    """Split a model's reply into sentences with their [n] markers; markers outside 1..n are dropped.

    Markers a model puts after the full stop ("... sanctions. [1] Next ...") belong to the sentence
    before them; "[1, 2]" cites both passages.
    """
    if REFUSAL_TOKEN in text:
        return Draft(declined=True)
    body = text.strip()
    pieces: list[tuple[str, list[int]]] = []
    for start, end in sentence_spans(body):
        raw = body[start:end]
        lead = LEADING_MARKERS.match(raw)
        if lead and pieces:
            pieces[-1][1].extend(_numbers(lead.group()))
            raw = raw[lead.end() :]
        pieces.append((raw, _numbers(raw)))
    sentences = []
    for raw, numbers in pieces:
        clean = MARKER.sub("", raw).strip()
        sources = tuple(dict.fromkeys(n - 1 for n in numbers if 1 <= n <= n_passages))
        if clean:
            sentences.append(DraftSentence(clean, sources))
    return Draft(sentences=tuple(sentences))


# A model writes its own sentences, so it may use one more than the extractive reader quotes
# (bot/reader.py MAX_SENTENCES): a paraphrase often needs a sentence to join two passages.
LLM_MAX_SENTENCES = 4


# A rewritten follow-up longer than this is the model rambling, not a question.
def _too_long(rewrite: str, question: str) -> bool:
    return len(rewrite) > 3 * len(question) + 200


class LLMAnswerer:
    """Asks a chat model to answer from numbered passages; verification happens afterwards."""

    def __init__(self, model: BaseChatModel, max_sentences: int = LLM_MAX_SENTENCES) -> None:
        self.model = model
        self.max_sentences = max_sentences

    def messages(self, query: Query, hits: list[Hit]) -> list[BaseMessage]:
        """The prompt: rules, then the numbered passages and the question."""
        passages = [
            # text addressed to an assistant is withheld, so a passage cannot instruct the model
            {
                "number": i + 1,
                "title": withheld(h.chunk.title),
                "label": withheld(h.chunk.section or ""),
                "text": withheld(h.chunk.text),
            }
            for i, h in enumerate(hits)
        ]
        return [
            SystemMessage(render("answer_system", max_sentences=self.max_sentences, refusal_token=REFUSAL_TOKEN)),
            HumanMessage(render("answer_user", passages=passages, question=query.text)),
        ]

    def stream(self, query: Query, hits: list[Hit], idf: Idf) -> Generator[str, None, Draft]:
        """Yield the model's text as it is generated; return it as a draft (empty if the model failed)."""
        text = ""
        try:
            for chunk in self.model.stream(self.messages(query, hits)):
                delta = str(chunk.content)
                text += delta
                yield delta
        except Exception as exc:
            log.warning("chat model failed, falling back to extractive: %s", redact(str(exc)))
            text = ""  # what came before the failure is dropped: the reader's answer stands in
        return parse_answer(text, len(hits))

    def draft(self, query: Query, hits: list[Hit], idf: Idf) -> Draft:
        """The model's whole answer as a draft (empty if the model failed)."""
        generator = self.stream(query, hits, idf)
        while True:
            try:
                next(generator)
            except StopIteration as done:
                whole: Draft = done.value
                return whole

    def complete(self, prompt: str) -> str:
        """The chat model's reply to a free prompt (its errors are the caller's to handle)."""
        return str(self.model.invoke([HumanMessage(prompt)]).content)


class LLMCondenser:
    """Rewrites follow-ups with the chat model; falls back to the rules on failure or odd output."""

    def __init__(self, model: BaseChatModel) -> None:
        self.model = model
        self.fallback = RuleCondenser()

    def condense(self, question: str, history: list[Message], bios: tuple[Bio, ...]) -> str:
        """The standalone question."""
        if not history:
            return question
        # Citation markers in earlier answers mean nothing to the rewriter and leak into its output.
        turns = [{**m, "content": for_history(m["content"])} for m in history[-HISTORY_PROMPTED:]]
        prompt = render("condense", history=turns, question=question)
        try:
            reply = str(self.model.invoke([HumanMessage(prompt)]).content).strip()
        except Exception as exc:
            log.warning("chat model failed to condense, using rules: %s", redact(str(exc)))
            reply = ""
        line = MARKER.sub("", reply.splitlines()[0]).strip().strip('"') if reply else ""
        ruled = self.fallback.condense(question, history, bios)
        unresolved = _PERSON_PRONOUN.search(line) and ruled != question and not _PERSON_PRONOUN.search(ruled)
        if not line or _too_long(line, question) or unresolved:
            return ruled  # the model's rewrite is unusable, or left a "he" the rules can resolve
        return line
