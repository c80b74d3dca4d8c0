"""citeqa's service: retrieval, answering, the HTTP API and the chat UI."""
