"""Benchmarks: a synthetic knowledge base generator and the build and collector measurements."""
