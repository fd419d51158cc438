"""Editor tools: check a story's questions before publishing, suggest questions that work."""
