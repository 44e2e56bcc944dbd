"""Case families of the privacy corpus, one module per family (see generate_corpus.py)."""
