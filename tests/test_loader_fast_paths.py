"""The loader skips work that a cheap look at the text proves unneeded: the
event scan for nesting depth when a bound read from the text shows the
document shallow, and the node walk for aliases and tags when the text has
none of the characters they need. Neither shortcut may change a result: the
bound must never be below the real depth (or a deep document would reach
libyaml's recursive composer), and text the walk would refuse must never
look harmless.
"""
from __future__ import annotations

import random

import pytest
import yaml
from yaml._yaml import CParser

from kb import loader
from kb.loader import MAX_DEPTH, LoadProblem, _nesting_bound, parse

# Pieces that open, close or prefix collections in block and flow style, and
# some that only look like they might.
TOKENS = ["- ", "? ", ": ", ":", "a: ", "a", "b", " ", "  ", "[", "]", "{", "}", ", ", ",", "!!map ", "!!seq ",
          "&x ", "*x", "|", ">", "'", '"', "--- ", "...", "#c", "\t", "-", "?", "- - ", "k:", "[a: ", "? [",
          "{? ", "-\t", "[? ", "[a]: ", "{a}: ", "!t ", "- ? ", "? - ", ": - ", "<<", "=", "a=b", " = ", "&", "*",
          "!", "<< ", "=: ", "[=]", "{=}"]


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


def test_quick_decision_agrees_with_the_bound():
    texts = [*random_documents(seed=99, count=5_000), "- - - - a: b\n", "a:\n" + "  " * 14 + "b: c\n", "[[[]]]"]
    for text in texts:
        for limit in range(0, 40, 3):
            assert loader._surely_shallow(text, limit) == (_nesting_bound(text) <= limit), (repr(text), limit)


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


def _refused_by_tree_walk(text: str) -> bool:
    """Whether the full node walk refuses the text (False when it does not compose)."""
    parser = loader._Loader(text)
    try:
        root = parser.get_single_node()
    except yaml.YAMLError:
        return False
    finally:
        parser.dispose()
    if root is None:
        return False
    try:
        loader._check_tree(root)
    except LoadProblem:
        return True
    return False


def test_text_the_tree_walk_refuses_is_never_skipped():
    refused = 0
    for text in random_documents(seed=7, count=20_000):
        if _refused_by_tree_walk(text):
            refused += 1
            assert loader._may_hold_alias_or_tag(text), repr(text)
    assert refused > 100  # the random documents do exercise the walk


@pytest.mark.parametrize("text", ["a: <<\n", "<<: {a: b}\n", "a: =\n", "- =\n", "[=, a]\n", "=: a\n",
                                  "a: &x b\nc: *x\n", "a: !!binary eA==\n", "a: !local b\n"])
def test_known_refusals_are_not_skipped(text):
    assert _refused_by_tree_walk(text) and loader._may_hold_alias_or_tag(text)


# -- building values without the constructor's machinery ----------------------

SCALARS = ["0x1F", "1_000", "0b_", "0b1", "1:20", "190:20:30", ".inf", "-.NaN", "~", "null", "Null", "True", "yes",
           "off", "2021-01-01", "0o7", "017", "+1", "1e3", "1.5e+3", "-0", "''", '""', "'a b'", '"x\\ty"', "3.", "._"]


def _shape(value):
    """A value with every line it remembers, comparable with ==."""
    if isinstance(value, loader.LineDict):
        return ("map", value.line, [(key, value.key_lines[key], value.block_starts.get(key), _shape(item))
                                    for key, item in value.items()])
    if isinstance(value, loader.LineList):
        return ("seq", value.line, value.item_lines, [_shape(item) for item in value])
    return (type(value).__name__, repr(value))


def _built(text: str, direct: bool):
    parser = loader._Loader(text)
    try:
        try:
            root = parser.get_single_node()
        except yaml.YAMLError:
            return None
        if root is None:
            return None
        try:
            data = loader._build(parser, root) if direct else parser.construct_document(root)
        except Exception as exc:  # the same error either way
            return ("error", type(exc).__name__, str(exc))
        return _shape(data), [(p.line, p.code, p.message) for p in parser.duplicates]
    finally:
        parser.dispose()


def plain_documents(seed: int, count: int):
    rng = random.Random(seed)
    pieces = TOKENS + SCALARS * 3 + ["key: |\n  text\n", "k: >\n  folded\n", "a: 1\na: 2\n", "? [x]\n: y\n"]
    for _ in range(count):
        text = "\n".join(" " * rng.randint(0, 6) + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
                         for _ in range(rng.randint(1, 8)))
        if not loader._may_hold_alias_or_tag(text):
            yield text


def test_direct_build_equals_the_constructor():
    built = 0
    for text in plain_documents(seed=5, count=20_000):
        direct = _built(text, direct=True)
        assert direct == _built(text, direct=False), repr(text)
        built += direct is not None
    assert built > 1000


def test_direct_build_equals_the_constructor_on_entries():
    from conftest import KB_FIXTURE, ROOT

    files = sorted((ROOT / "entries").glob("*/*.yaml")) + sorted((KB_FIXTURE / "entries").glob("*/*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _built(text, direct=True) == _built(text, direct=False), path


# -- composing: the resolver and the checks of decode --------------------------

class _PyYAMLLoader(CParser, yaml.resolver.Resolver):
    """libyaml's composer with PyYAML's own resolver, path tracking and all."""


def _tags(text: str, loader_class) -> list | None:
    parser = loader_class(text)
    try:
        root = parser.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    tags, stack = [], [root] if root is not None else []
    while stack:
        node = stack.pop()
        tags.append((node.start_mark.line, node.tag, node.value if isinstance(node, yaml.ScalarNode) else None))
        if isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return tags


def test_our_resolver_tags_nodes_as_pyyaml_does_but_for_dates():
    """Our resolver skips the path tracking (built-in calls that do nothing)
    and the timestamp resolver: dates stay text, checked later."""
    from conftest import ROOT

    texts = list(plain_documents(seed=8, count=5_000)) + list(random_documents(seed=9, count=5_000))
    texts += ["date: 2021-01-01\nwhen: 2021-01-01 10:00:00\nn: [1, 1.5, true, ~, '1', x]\n"]
    texts += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "entries").glob("*/*.yaml"))]
    composed = 0
    for text in texts:
        ours, pyyamls = _tags(text, loader._Loader), _tags(text, _PyYAMLLoader)
        expected = pyyamls and [(line, "tag:yaml.org,2002:str" if tag == "tag:yaml.org,2002:timestamp" else tag, value)
                                for line, tag, value in pyyamls]
        assert ours == expected, repr(text)
        composed += bool(ours)
    assert composed > 1000
    assert not loader._Loader.yaml_path_resolvers


def test_quick_checks_of_decode_find_what_the_plain_checks_find():
    def plain_checks(text: str):
        control = loader._CONTROL.search(text)
        return (control and control.start(),
                not text.strip() or all(line.lstrip().startswith("#") or not line.strip() for line in text.split("\n")))

    rng = random.Random(10)
    pieces = ["a: b", "# c", " ", "\t", "\n", "\n\n", "#", " #", "x", "\u00a0", "\u3000", "é", "\x7f", "\x00", "\x1f",
              "\x85", "\u2028", "\x0b", "\r", "\ufffe", "~", "\x9f", "\xa0#"]
    for _ in range(30_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        control = loader._refused_character(text.encode("utf-8"), text)
        assert (control and control.start(), not loader._CONTENT_LINE.search(text)) == plain_checks(text), repr(text)
