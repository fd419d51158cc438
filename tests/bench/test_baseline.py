from __future__ import annotations

from chromadb.api import ClientAPI
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bench.baseline import TUTORIAL_PROMPT, BaselineRag, tutorial_documents
from bot.embeddings import HashingEmbeddings
from bot.types import Corpus, Section, Story


def _corpus(text: str) -> Corpus:
    return Corpus(stories=(Story("s1", "Title", (Section("", text, 1),), "x"),))


def test_splits_as_the_tutorial_does() -> None:
    paragraph = " ".join(f"Sentence {{n}}.{k} says something about the news." for k in range(2))
    text = "\n\n".join(paragraph.format(n=n) for n in range(100))
    docs = tutorial_documents(_corpus(text))
    assert docs[0].page_content.startswith("Title\nSentence 0.0")
    assert len(docs) > 5
    assert all(len(d.page_content) <= 1000 for d in docs)
    # consecutive pieces overlap (chunk_overlap=200): the next one starts before the previous ends
    first, second = docs[0].metadata["start_index"], docs[1].metadata["start_index"]
    assert second < first + len(docs[0].page_content)
    assert docs[0].metadata["doc_id"] == "s1"


def test_retrieves_and_answers_with_the_tutorial_prompt(chroma: ClientAPI) -> None:
    corpus = Corpus(
        stories=(
            Story("s1", "Comet", (Section("", "Comet Nishimura returns every 437 years.", 1),), "x"),
            Story("s2", "Bread", (Section("", "A bakery in Lyon won a bread prize.", 1),), "y"),
        )
    )
    rag = BaselineRag.build(corpus, HashingEmbeddings(), chroma)
    assert "Nishimura" in rag.retrieve("When does comet Nishimura return?", k=1)[0].page_content
    rag.chat_model = GenericFakeChatModel(messages=iter([AIMessage("Every 437 years.")]))
    assert rag.answer("When does comet Nishimura return?") == "Every 437 years."
    assert "{context}" in TUTORIAL_PROMPT and "{question}" in TUTORIAL_PROMPT
