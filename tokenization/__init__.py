"""SentencePiece tokenization, packing, the Arrow shard format, budget plans, the loader."""
