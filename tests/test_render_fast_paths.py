"""Page generation skips work that a cheap look proves unneeded, or does it a
faster way; each shortcut must give exactly what the plain regex gives.
"""
from __future__ import annotations

import random
import re

from kb import text

# Pieces that make or nearly make citations, links and definitions, and
# blanks that str.isspace and the regex \s both count (or neither does).
TOKENS = ["[@", "]", "[", "@", ",", " , ", "src-a", "para. 3", "x", " ", "  ", "\n", "\t", "\u00a0", "\u2003",
          "\x1c", "\x85", "\u200b", "](", "]:", "(", ")", "javascript:x", "http://a", "<", "{", "!", "é"]


def random_texts(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 20)))


def test_citations_are_removed_with_the_blanks_before_them_as_the_regex_would():
    pattern = re.compile(r"\s*" + text.CITATION.pattern)
    for value in random_texts(seed=11, count=30_000):
        assert text._without_citations(value) == pattern.sub("", value), repr(value)


def test_neutralise_gives_what_both_link_patterns_give():
    def neutralised_by_regex(value: str) -> str:
        value = value.replace("<", "&lt;").replace("{", "\\{").replace("![@", "\\![@")
        for pattern in (text.LINK_TARGET, text.REFERENCE_DEF):
            value = pattern.sub(text._disarm, value)
        return value

    for value in random_texts(seed=12, count=30_000):
        assert text.neutralise(value) == neutralised_by_regex(value), repr(value)
