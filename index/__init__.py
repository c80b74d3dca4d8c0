"""citeqa's index: load, clean, chunk, embed and store documents."""
