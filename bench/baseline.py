"""The LangChain tutorial RAG, built as the tutorial builds it, for side-by-side figures.

RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200), the same embedding model as
Storybot, langchain_chroma.Chroma, similarity search top-k. Its answer step is the tutorial's prompt
to a chat model; with no chat model it has no answer step, and only its retrieval is compared.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from chromadb.api import ClientAPI
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from bot.types import Corpus

# The prompt of the tutorial's "rlm/rag-prompt", verbatim.
TUTORIAL_PROMPT = (
    "You are an assistant for question-answering tasks. Use the following pieces of retrieved context "
    "to answer the question. If you don't know the answer, just say that you don't know. Use three "
    "sentences maximum and keep the answer concise.\nQuestion: {question} \nContext: {context} \nAnswer:"
)


def tutorial_documents(corpus: Corpus) -> list[Document]:
    """The corpus split as the tutorial splits it: 1,000-character pieces overlapping by 200."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
    docs = [
        Document(
            # The title on the first paragraph's line, as a loaded web page has it: on a line of
            # its own the splitter would make a title-only chunk.
            page_content=f"{story.title}\n" + "\n\n".join(s.text for s in story.sections),
            metadata={"doc_id": story.id, "title": story.title},
        )
        for story in corpus.stories
    ]
    return splitter.split_documents(docs)


@dataclass
class BaselineRag:
    """The tutorial pipeline over one corpus."""

    store: Chroma
    chat_model: BaseChatModel | None = None

    @classmethod
    def build(cls, corpus: Corpus, embeddings: Embeddings, client: ClientAPI, batch: int = 5000) -> BaselineRag:
        """Split, embed and store the corpus in a fresh collection.

        The tutorial adds every split in one call; batches of 5,000 stay under Chroma's per-call limit
        (5,461 here) while still letting the encoder sort each batch by length, as one call would.
        """
        store = Chroma(
            collection_name=f"baseline-{uuid.uuid4().hex[:8]}",
            embedding_function=embeddings,
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        docs = tutorial_documents(corpus)
        for start in range(0, len(docs), batch):
            store.add_documents(docs[start : start + batch])
        return cls(store)

    def retrieve(self, question: str, k: int = 4) -> list[Document]:
        """Top-k by similarity, as the tutorial's retriever does."""
        return self.store.similarity_search(question, k=k)

    def answer(self, question: str, k: int = 4) -> str:
        """The tutorial's generate step: the retrieved context stuffed into its prompt."""
        if self.chat_model is None:
            raise RuntimeError("the baseline has no chat model to answer with")
        context = "\n\n".join(d.page_content for d in self.retrieve(question, k))
        reply = self.chat_model.invoke([HumanMessage(TUTORIAL_PROMPT.format(question=question, context=context))])
        return str(reply.content)
