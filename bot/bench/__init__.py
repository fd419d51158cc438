"""Benchmarks: Storybot against the LangChain tutorial RAG on real news, run by `storybot bench`."""
