"""Page generation skips work that a cheap look proves unneeded, or does it a
faster way; each shortcut must give exactly what the plain regex gives.
"""
from __future__ import annotations

import random
import re

import pytest

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


# Template code with every way of printing that our templates use, and some
# they do not: constants, filters, loops with else, conditions, macros and
# call blocks (which print into buffers), set blocks, autoescape blocks,
# blocks of a template it extends, includes, and values that are None,
# numbers, Markup and text with Markdown characters.
COMPILER_TEMPLATES = {
    "base.j2": "# {{ title }}\n{% block body %}{% endblock %}\nend {{ 1 + 1 }} {{ 'a*b' }} {{ none_value }}.\n",
    "macros.j2": ("{% macro item(x) %}- {{ x }} ({{ x|length }}){% endmacro %}"
                  "{% macro wrap() %}<{{ caller() }}>{% endmacro %}"),
    "page.j2": (
        '{% extends "base.j2" %}{% from "macros.j2" import item, wrap %}'
        "{% block body %}{{ intro }} · **{{ number }}**{% if flag %} · {{ flag }}{% endif +%}\n"
        "{% for x in items %}{{ item(x)|safe }} and {{ loop.index }}/{{ loop.length }}\n{% else %}none{% endfor %}\n"
        "{% set block_text %}[{{ safe_text }}]({{ number }}){% endset %}{{ block_text|safe }}\n"
        "{% autoescape true %}<{{ html }}> {{ safe_text }}{% endautoescape %}\n"
        "{% call wrap() %}in {{ number }}{% endcall %}\n"
        "{% include 'macros.j2' %}{{ '%s-%d'|format(intro, number) }}{{ items|join(', ') }}{{ mapping.key }}"
        "{% endblock %}"
    ),
}


def _render_with(code_generator_class, tmp_path):
    """(text, error for an undefined value, compiled code) of the page above."""
    import jinja2
    from markupsafe import Markup
    from kb.render import make_environment

    for name, source in COMPILER_TEMPLATES.items():
        (tmp_path / name).write_text(source, encoding="utf-8")
    env = make_environment(tmp_path, bytecode_dir=str(tmp_path / f"compiled-{code_generator_class.__name__}"))
    env.code_generator_class = code_generator_class
    template = env.get_template("page.j2")
    values = dict(title="A *title*", intro="<b>_x_</b>", number=7, flag="[link](x)", items=["a_b", "c"],
                  safe_text=Markup("*kept*"), html="<&>", none_value=None, mapping={"key": "v"})
    with pytest.raises(jinja2.UndefinedError) as error:
        template.render(**{k: v for k, v in values.items() if k != "intro"})
    return template.render(**values), str(error.value), env.compile(COMPILER_TEMPLATES["page.j2"], raw=True)


def test_templates_compiled_by_ours_print_what_jinja_compiled_ones_print(tmp_path):
    """_CodeGenerator leaves out the str() around printed values: the text,
    and the error for an undefined value, must be Jinja's own."""
    import jinja2.compiler
    from kb.render import _CodeGenerator, make_environment

    ours, our_error, our_code = _render_with(_CodeGenerator, tmp_path)
    jinjas, jinja_error, jinja_code = _render_with(jinja2.compiler.CodeGenerator, tmp_path)
    assert ours == jinjas and our_error == jinja_error
    assert "# A \\*title\\*" in ours and "<&lt;&>>" in ours  # the escapers ran, in the autoescape block too
    printed = "str(environment.finalize("
    assert printed in jinja_code and printed not in our_code  # and ours left str() out
    assert make_environment(tmp_path).code_generator_class is _CodeGenerator


@pytest.mark.parametrize("root", ["fixture", "real"])
def test_pages_compiled_by_ours_are_those_compiled_by_jinja(root, tmp_path):
    import jinja2.compiler
    from conftest import KB_FIXTURE, ROOT
    from kb import pipeline
    from kb.render import Renderer, make_environment

    result = pipeline.check(KB_FIXTURE if root == "fixture" else ROOT)
    assert result.ok
    graph = pipeline.graph_of(result)

    def pages(code_generator_class):
        env = make_environment(bytecode_dir=str(tmp_path / code_generator_class.__name__))
        env.code_generator_class = code_generator_class
        return Renderer(graph, result.schema, env=env).pages()

    ours = pages(make_environment().code_generator_class)
    assert ours == pages(jinja2.compiler.CodeGenerator)
    assert len(ours) >= 18


# Values the front matter prints with tojson (titles, descriptions, topics,
# ClaimReview data), with every character Jinja's filter escapes for HTML.
TOJSON_VALUES = ["A <b>title</b> & 'quotes' \"too\"", "Путин: «Казахстан» — “x”", "",
                 {"b": [1, 2.5, None, True], "a": {"<": "&"}}, ["x", {"z": 1, "y": "'"}], 3, None]


@pytest.mark.parametrize("value", TOJSON_VALUES)
@pytest.mark.parametrize("indent", [None, 2])
def test_tojson_prints_what_jinjas_own_filter_prints(value, indent, tmp_path):
    import jinja2
    from kb.render import make_environment

    source = "{{ value|tojson }}" if indent is None else "{{ value|tojson(indent=2) }}"
    ours = make_environment(tmp_path, bytecode_dir=str(tmp_path / "compiled")).from_string(source)
    jinjas = jinja2.Environment(finalize=str).from_string(source)
    assert ours.render(value=value) == jinjas.render(value=value)
    assert "<" not in ours.render(value=TOJSON_VALUES[0])


def test_templates_compiled_by_another_version_of_the_renderer_are_not_loaded(tmp_path, monkeypatch):
    """Compiled code depends on kb/render.py (its code generator, and how each
    filter is called), which Jinja's cache does not look at: templates
    compiled before a change to that module must be compiled again."""
    from kb import render

    templates, compiled = tmp_path / "templates", tmp_path / "compiled"
    compiled.mkdir()
    templates.mkdir()
    (templates / "page.j2").write_text("{{ value|tojson }}", encoding="utf-8")

    def render_page() -> str:
        return render.make_environment(templates, bytecode_dir=str(compiled)).get_template("page.j2").render(value="x")

    assert render_page() == '"x"'
    first = sorted(path.name for path in compiled.iterdir())
    assert len(first) == 1
    assert render_page() == '"x"' and sorted(path.name for path in compiled.iterdir()) == first  # loaded, not compiled again

    changed = tmp_path / "render.py"
    changed.write_bytes(render.Path(render.__file__).read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(render, "__file__", str(changed))
    assert render_page() == '"x"'
    assert len(list(compiled.iterdir())) == 2  # compiled again, under another name
