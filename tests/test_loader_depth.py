"""The loader skips its event scan for nesting depth when a cheap bound read
from the text proves the document shallow. The bound must never be below the
real depth, or a deep document would reach libyaml's recursive composer.
"""
from __future__ import annotations

import random

import pytest
import yaml
from yaml._yaml import CParser

from kb.loader import MAX_DEPTH, LoadProblem, _nesting_bound, parse

# Pieces that open, close or prefix collections in block and flow style, and
# some that only look like they might.
TOKENS = ["- ", "? ", ": ", ":", "a: ", "a", "b", " ", "  ", "[", "]", "{", "}", ", ", ",", "!!map ", "!!seq ",
          "&x ", "*x", "|", ">", "'", '"', "--- ", "...", "#c", "\t", "-", "?", "- - ", "k:", "[a: ", "? [",
          "{? ", "-\t", "[? ", "[a]: ", "{a}: ", "!t ", "- ? ", "? - ", ": - "]


def event_depth(text: str) -> int:
    """The deepest nesting the parser reaches, up to a syntax error if any."""
    parser = CParser(text)
    depth = deepest = 0
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    finally:
        parser.dispose()
    return deepest


def random_documents(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        if rng.random() < 0.5:
            text = "".join(rng.choice(TOKENS + ["\n"] * 4) for _ in range(rng.randint(1, 60)))
        else:
            text = "\n".join(" " * rng.randint(0, 8) + "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 8)))
                             for _ in range(rng.randint(1, 10)))
        # decode() refuses tabs in indentation before parsing.
        if not any("\t" in line[: len(line) - len(line.lstrip(" \t"))] for line in text.split("\n")):
            yield text


def test_bound_is_never_below_the_real_depth():
    for text in random_documents(seed=2024, count=20_000):
        assert _nesting_bound(text) >= event_depth(text), repr(text)


@pytest.mark.parametrize("text", [
    "- - - - a: b\n",
    "a:\n- b:\n  - [c, {d: [e: f]}]\n",
    "? - a\n: - - b\n",
    "a: |\n  - - - - - - - - - - - - - - - - - - - -\n",
])
def test_bound_on_known_shapes(text):
    assert event_depth(text) <= _nesting_bound(text)


def test_shallow_text_with_many_brackets_still_parses():
    # Past the bound, the event scan decides, and finds nothing wrong.
    text = "text: " + " ".join(f"word [@src-{i}, para. {i}]" for i in range(40)) + "\n"
    assert _nesting_bound(text) > MAX_DEPTH
    data, problems = parse(text)
    assert data["text"].startswith("word [@src-0") and problems == []


@pytest.mark.parametrize("text", [
    "a:" + "".join(f"\n{'  ' * i}b{i}:" for i in range(1, 40)) + " x\n",
    "a: " + "[" * 40 + "]" * 40 + "\n",
    "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
])
def test_deep_text_is_refused(text):
    with pytest.raises(LoadProblem) as caught:
        parse(text)
    assert caught.value.code == "E005"
