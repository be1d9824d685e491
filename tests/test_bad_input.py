"""Each kind of bad input gets its own message at the right file and line, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conceptgraph.assets import default_data_dir
from conceptgraph.cli import cli
from conceptgraph.course.load import load_course
from conceptgraph.errors import DataError


def edit(data: Path, name: str, old: str, new: str) -> int:
    """Replace `old` (which must occur once) in data/<name>; return the 1-based line it starts on."""
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


CASES = [
    pytest.param(
        "tekst-5-bason.yaml",
        '        rank: 3\n        label: {da: "Eksperimenter"',
        '        rank: 3\n        label: {da: "Eksperimenter"'.replace("rank: 3", "rank: 3\n        lable: x"),
        1,
        "unknown key 'lable' in resource 'eksperimenter' — did you mean 'label'?",
        id="unknown-key",
    ),
    pytest.param(
        "refleksion.yaml",
        "          - to: afstem-forventninger",
        "          - to: afstem-forventning",
        0,
        "'addresses' of 'mandater-og-forventninger' refers to unknown resource 'afstem-forventning' "
        "— did you mean 'afstem-forventninger'?",
        id="unknown-reference",
    ),
    pytest.param(
        "tekst-5-bason.yaml",
        "      - id: innovationsforloeb-er-ikke-projekter",
        "      - id: eksperimenter",
        0,
        "duplicate id 'eksperimenter': already used at data/tekst-5-bason.yaml:",
        id="duplicate-id",
    ),
    pytest.param(
        "tekst-5-bason.yaml",
        'label: {da: "Tænk i sammenhænge", en: "Think in connections"}',
        'label: {en: "Think in connections"}',
        0,
        "'label' of 'taenk-i-sammenhaenge': the Danish text is missing",
        id="missing-danish-label",
    ),
    pytest.param(
        "tekst-5-bason.yaml",
        "        rank: 6\n",
        "        rank: six\n",
        0,
        "'rank' of 'insister-paa-forskellighed': expected a whole number, got 'six'",
        id="wrong-type",
    ),
    pytest.param(
        "tekst-5-bason.yaml",
        "        rank: 6\n",
        "        rank: 5\n",
        0,
        "rank 5 of 'insister-paa-forskellighed' is already used in list 'syv-principper' by 'afstem-forventninger'",
        id="rank-collision",
    ),
    pytest.param(
        "tekst-5-bason.yaml",
        "        type: Principle\n        rank: 7",
        "        type: Principel\n        rank: 7",
        0,
        "unknown type 'Principel' — did you mean 'Principle'?",
        id="unknown-type",
    ),
    pytest.param(
        "course.yaml",
        '        start: "09:00"',
        "        start: 9:00",
        0,
        "'start' of 'program-tjek-ind': expected a time like \"09:20\", got 540",
        id="unquoted-time",
    ),
    pytest.param(
        "refleksion.yaml",
        '            why: {da: "Spørgsmålet er Basons fjerde princip',
        '            wy: {da: "Spørgsmålet er Basons fjerde princip',
        0,
        "unknown key 'wy' in a link — did you mean 'why'?",
        id="misspelt-why",
    ),
    pytest.param(
        "tekst-2-mandag-morgen.yaml",
        "        creators: [mandag-morgen]\n        themes: [saet-borgeren-i-spil]",
        "        creators: [saet-borgeren-i-spil]\n        themes: [saet-borgeren-i-spil]",
        0,
        "'creators' of 'tekst-2-mandag-morgen' expects a Person or Organisation, but 'saet-borgeren-i-spil' is a Theme",
        id="wrong-target-class",
    ),
    pytest.param(
        "glossary.yaml",
        'sections:\n  - heading: "Refleksion"',
        'sections:\n  - heading: ["Refleksion"',
        2,
        "malformed YAML: while parsing a flow sequence",
        id="malformed-yaml",
    ),
]


# Guided tours are checked like everything else: every name a step's view gives exists.
TOUR_CASES = [
    pytest.param(
        "tours.yaml",
        "view: {focus: institutionens-former, depth: 1}",
        "view: {focus: institutionens-form, depth: 1}",
        0,
        "'focus' of step 'institutionens-former' in tour 'uddannelsesgang-1' refers to unknown resource "
        "'institutionens-form' — did you mean 'institutionens-former'?",
        id="tour-unknown-focus",
    ),
    pytest.param(
        "tours.yaml",
        "view: {text: tekst-3-aakerstroem}",
        "view: {path: tekst-3-aakerstroem}",
        0,
        "'path' of step 'aakerstroem' in tour 'uddannelsesgang-1' expects a ReflectionQuestion, "
        "but 'tekst-3-aakerstroem' is a Text",
        id="tour-path-not-a-question",
    ),
    pytest.param(
        "tours.yaml",
        "view: {focus: innovation, depth: 1}",
        "view: {focus: innovation, dept: 1}",
        0,
        "unknown key 'dept' in the view of step 'hvad-er-innovation' of tour 'uddannelsesgang-1' "
        "— did you mean 'depth'?",
        id="tour-unknown-view-key",
    ),
    pytest.param(
        "tours.yaml",
        "view: {focus: innovation, depth: 1}",
        "view: {focus: innovation, depth: 9}",
        0,
        "'depth' of step 'hvad-er-innovation' of tour 'uddannelsesgang-1' expects a whole number from 0 to 5, got 9",
        id="tour-bad-depth",
    ),
    pytest.param(
        "tours.yaml",
        "view: {focus: innovation, depth: 1}",
        "view: {all: 1}",
        0,
        "'all' of step 'hvad-er-innovation' of tour 'uddannelsesgang-1' expects true or false, got 1",
        id="tour-flag-not-a-boolean",
    ),
    pytest.param(
        "tours.yaml",
        "types: [Barrier, Driver]",
        "types: [Barrier, Drivers]",
        0,
        "'types' of step 'barrierer-og-drivkraefter' of tour 'uddannelsesgang-1' names unknown type 'Drivers' "
        "— did you mean 'Driver'?",
        id="tour-unknown-type",
    ),
    pytest.param(
        "tours.yaml",
        "      - id: syv-principper\n",
        "      - id: bason\n",
        0,
        "duplicate step id 'bason' in tour 'uddannelsesgang-1': already used at line",
        id="tour-duplicate-step",
    ),
    pytest.param(
        "tours.yaml",
        "    session: uddannelsesgang-1\n",
        "    session: uddannelsesgang-2\n",
        0,
        "session in tour 'uddannelsesgang-1' refers to unknown resource 'uddannelsesgang-2' "
        "— did you mean 'uddannelsesgang-1'?",
        id="tour-unknown-session",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "line_offset", "message"), CASES + TOUR_CASES)
def test_bad_input_is_located_and_explained(
    data_copy: Path, name: str, old: str, new: str, line_offset: int, message: str
) -> None:
    line = edit(data_copy, name, old, new) + line_offset
    with pytest.raises(DataError) as caught:
        load_course(data_copy)
    located = [str(p) for p in caught.value.problems if p.path == f"data/{name}"]
    assert any(message in p for p in located), located
    assert any(p.startswith(f"data/{name}:{line}:") and message in p for p in located), located


def test_every_problem_is_reported_in_one_run(data_copy: Path) -> None:
    edit(data_copy, "tekst-5-bason.yaml", "        rank: 6\n", "        rank: six\n")
    edit(data_copy, "refleksion.yaml", "          - to: afstem-forventninger", "          - to: nowhere")
    edit(data_copy, "course.yaml", '        end: "09:20"', '        ende: "09:20"')
    with pytest.raises(DataError) as caught:
        load_course(data_copy)
    files = {p.path for p in caught.value.problems}
    assert files == {"data/tekst-5-bason.yaml", "data/refleksion.yaml", "data/course.yaml"}


def test_failed_build_keeps_the_previous_build(data_copy: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    good = runner.invoke(cli, ["build", "--data", str(data_copy), "--out", str(out)])
    assert good.exit_code == 0, good.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(before) == {"dataset.trig", "course.ttl", "build.json"}
    edit(data_copy, "tekst-5-bason.yaml", "        rank: 6\n", "        rank: 5\n")
    bad = runner.invoke(cli, ["build", "--data", str(data_copy), "--out", str(out)])
    assert bad.exit_code == 2
    assert "data/tekst-5-bason.yaml:" in bad.output and "nothing was written" in bad.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_validate_writes_nothing_and_exits_2(
    data_copy: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    edit(data_copy, "refleksion.yaml", "          - to: afstem-forventninger", "          - to: nowhere")
    result = runner.invoke(cli, ["validate", "--data", str(data_copy)])
    assert result.exit_code == 2
    assert "refers to unknown resource 'nowhere'" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_shacl_violations_point_at_the_resource(data_copy: Path, runner: CliRunner) -> None:
    # Passes the loader (the key is optional there) but breaks the SHACL rule that texts have creators.
    edit(data_copy, "tekst-6-tortzen.yaml", "        creators: [tortzen]\n", "")
    result = runner.invoke(cli, ["validate", "--data", str(data_copy)])
    assert result.exit_code == 2
    lines = (data_copy / "tekst-6-tortzen.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("      - id: tekst-6-tortzen") + 1
    expected = f"data/tekst-6-tortzen.yaml:{line}:9: 'tekst-6-tortzen': a text needs at least one"
    assert expected in result.output


def test_good_data_validates(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "--data", str(default_data_dir())])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 183 resources in 11 files")


def test_a_step_without_text_is_reported_at_the_step(data_copy: Path) -> None:
    text = (data_copy / "tours.yaml").read_text(encoding="utf-8")
    start = text.index("      - id: klar-til-jakob")
    cut = text[start:].index("        text:")
    (data_copy / "tours.yaml").write_text(text[: start + cut] + "\n", encoding="utf-8")
    line = text[:start].count("\n") + 1
    with pytest.raises(DataError) as caught:
        load_course(data_copy)
    expected = f"data/tours.yaml:{line}:9: a step of tour 'uddannelsesgang-1' is missing the required key 'text'"
    assert expected in [str(p) for p in caught.value.problems]


def test_the_tours_depth_limit_is_the_maps() -> None:
    from conceptgraph.course.tours import MAX_DEPTH, VIEW_KEYS
    from conceptgraph.graph import views

    assert MAX_DEPTH == views.MAX_DEPTH
    assert set(VIEW_KEYS) == set(views.VIEW_PARAMETERS) - {"lang", "embed"}
