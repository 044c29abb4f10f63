"""Candidate phrases: one form per idea, nothing from LaTeX, numbers or stop words, never across a chunk."""

from __future__ import annotations

import pytest

from trendkb.phrases import chunks, normal_phrases, phrases, word_form


@pytest.mark.parametrize("word, form", [
    ("models", "model"), ("studies", "study"), ("approaches", "approach"), ("losses", "loss"), ("boxes", "box"),
    ("matrices", "matrix"), ("hypotheses", "hypothesis"), ("biases", "bias"), ("topics", "topic"),
    # singular words that look plural keep their form
    ("bias", "bias"), ("analysis", "analysis"), ("corpus", "corpus"), ("physics", "physics"), ("series", "series"),
    ("status", "status"), ("process", "process"), ("news", "news"),
    # British spellings take the American form; look-alikes do not
    ("optimisation", "optimization"), ("tokenisation", "tokenization"), ("optimised", "optimized"),
    ("modelling", "modeling"), ("labelled", "labeled"), ("behaviour", "behavior"), ("analysed", "analyzed"),
    ("centre", "center"), ("noise", "noise"), ("precise", "precise"), ("controlled", "controlled"),
])
def test_every_word_has_one_form(word, form):
    assert word_form(word) == form


def test_latex_links_numbers_and_stop_words_end_a_chunk():
    text = ("We propose State-Space Models for $O(n^2)$ \\textit{long-range} modelling; see https://x.org/a. "
            "3D Gaussian splatting with 4 views.")
    assert chunks(text) == [["state", "space", "model"], ["long", "range", "modeling"], ["see"],
                            ["gaussian", "splatting"], ["view"]]


def test_phrases_are_every_run_of_one_to_four_words_within_a_chunk():
    found = phrases("Federated learning for hospitals", "Graph neural network message passing layers.")
    assert {"federated learning", "hospital", "graph neural network message", "neural network message passing"} <= found
    assert "learning hospital" not in found  # 'for' ends the chunk
    assert "graph neural network message passing" not in found  # five words
    assert phrases("State-space models", "state space model") == phrases("state space model")


def test_a_name_or_keyword_is_read_in_the_same_forms():
    assert normal_phrases("Retrieval-Augmented Generation") == ["retrieval augmented generation"]
    assert normal_phrases("mixture of experts") == ["mixture", "expert"]
