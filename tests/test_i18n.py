"""The message catalogue: every ``tr`` message has a Korean translation, placeholders agree."""

from __future__ import annotations

import itertools
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.errors import ParameterError
from cgresearch.i18n import _translations, check_lang, tr

ROOT = Path(__file__).resolve().parents[1]

#: The calls whose first argument is a message id: tr, error templates (ParameterError.of,
#: msg) and marked rule texts (N_).
_KEYWORDS = {"tr": (1,), "of": (1,), "msg": (1,), "N_": (1,)}


def _extracted(folders: tuple[Path, ...] = (ROOT / "cgresearch", ROOT / "notebooks")) -> dict:
    """Every literal message passed to ``tr`` in the package and the notebooks, with its place."""
    found: dict[str, str] = {}
    for folder in folders:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            folder, method_map=[("**.py", "python")], keywords=_KEYWORDS
        ):
            if isinstance(message, str):
                found.setdefault(message, f"{folder.name}/{filename}:{lineno}")
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_passed_to_tr_has_a_korean_translation() -> None:
    korean = _translations("ko")
    missing = {m: where for m, where in _extracted().items() if m not in korean}
    assert not missing, "untranslated messages (add them to the ko catalogue):\n" + "\n".join(
        f"{where}: {m!r}" for m, where in sorted(missing.items(), key=lambda kv: kv[1])
    )


def test_korean_translations_use_the_same_placeholders_as_the_english_text() -> None:
    wrong = {m: s for m, s in _translations("ko").items() if _fields(m) != _fields(s)}
    assert not wrong, f"placeholders differ: {wrong}"


def test_the_extractor_finds_messages_passed_to_tr(tmp_path: Path) -> None:
    # guards the test above against an extractor that silently finds nothing
    (tmp_path / "mod.py").write_text(
        'from cgresearch.i18n import tr\nlabel = tr("Budget (100 million KRW)", lang)\n'
        'other = tr("{n} gu at the floor", "en", n=2)\n',
        encoding="utf-8",
    )
    assert set(_extracted((tmp_path,))) == {"Budget (100 million KRW)", "{n} gu at the floor"}


def test_tr_gives_korean_by_default_and_english_on_request() -> None:
    assert tr("Budget (100 million KRW)") == "예산(억원)"
    assert tr("Budget (100 million KRW)", "en") == "Budget (100 million KRW)"
    assert tr("{n} gu at the floor", "ko", n=2) == "하한에 걸린 구 2곳"


def test_an_unknown_language_is_refused_with_the_languages_named() -> None:
    with pytest.raises(ParameterError, match=r"'fr' is not available: use 'ko'.*'en'"):
        check_lang("fr")
    with pytest.raises(ParameterError, match="did you mean 'en'"):
        tr("Budget (100 million KRW)", "eng")  # type: ignore[arg-type]


def test_no_korean_translation_is_left_in_english() -> None:
    hangul = re.compile("[\uac00-\ud7a3]")
    english_only = [s for s in _translations("ko").values() if not hangul.search(s)]
    assert not english_only, english_only


def test_the_catalogue_is_well_formed_with_each_message_once() -> None:
    # a merge that keeps both sides of a conflict leaves a stray msgstr or a message twice
    from babel.messages.pofile import read_po

    from cgresearch.i18n import catalogue_path

    text = catalogue_path("ko").read_text(encoding="utf-8")
    entries = ("msgid ", "msgstr ")
    kinds = [line.split()[0] for line in text.splitlines() if line.startswith(entries)]
    assert all(a != b for a, b in itertools.pairwise(kinds)), "msgid/msgstr out of pairs"
    # a msgid may continue on the lines that follow it ("..." strings): join them
    ids = [
        m.group(1) + "".join(re.findall(r'^"(.*)"$', m.group(2), re.M))
        for m in re.finditer(r'^msgid "(.*)"\n((?:".*"\n)*)', text, re.M)
    ]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    with catalogue_path("ko").open("rb") as f:
        read_po(f, abort_invalid=True)


def test_no_tr_call_hides_inside_an_f_string() -> None:
    # the extractor cannot see a message inside an f-string, so the test above would miss it
    import ast

    hidden = []
    for folder in (ROOT / "cgresearch", ROOT / "notebooks"):
        for path in folder.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.JoinedStr):
                    hidden += [
                        f"{path.relative_to(ROOT)}:{call.lineno}"
                        for call in ast.walk(node)
                        if isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Name)
                        and call.func.id == "tr"
                    ]
    assert not hidden, f"tr(...) inside an f-string (move it to a variable): {hidden}"


def test_every_parameter_file_title_has_a_korean_translation() -> None:
    # the report index shows each run's title in the edition's language
    import yaml

    korean = _translations("ko")
    titles = {
        p.name: yaml.safe_load(p.read_text(encoding="utf-8")).get("title")
        for p in (ROOT / "params").glob("*.yaml")
    }
    missing = {name: t for name, t in titles.items() if t and t not in korean}
    assert not missing, f"titles without a Korean translation: {missing}"


# --- error messages and result sentences as templates (cgresearch.errors) ---------------------
def _parsed(text: str) -> set[tuple[str, str, str | None]]:
    return {(n, spec, conv) for _, n, spec, conv in string.Formatter().parse(text) if n}


def test_korean_translations_keep_each_placeholder_s_format_and_conversion() -> None:
    # "{gap:.2f}" must stay "{gap:.2f}" and "{value!r}" "{value!r}": a template formats the same
    # values in both languages (a Korean "{gap}" would print 12.345678 where English prints 12.35)
    wrong = {m: s for m, s in _translations("ko").items() if _parsed(m) != _parsed(s)}
    assert not wrong, f"format specs differ: {wrong}"


_NUMERIC_SPEC = re.compile(r"[,.\d]*[dfgeE%x]$|^[+,]")


@settings(max_examples=25, deadline=None)  # no wall-clock limit: the machine is shared
@given(
    text=st.text(alphabet=st.characters(exclude_characters="{}"), min_size=1, max_size=12),
    number=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)
def test_every_catalogue_template_formats_in_both_languages_with_its_values(
    text: str, number: float
) -> None:
    # Each message id is a template: filled with any values of the right kind, its English text
    # and its Korean translation both format, and every text value shows in both as it is.
    from cgresearch.errors import msg

    for template in _translations("ko"):
        fields = {n: (spec, conv) for n, spec, conv in _parsed(template)}
        if not fields:
            continue
        values = {
            n: (int(number) if spec.endswith(("d", "x")) else number)
            if _NUMERIC_SPEC.search(spec)
            else f"{text}{n}"
            for n, (spec, _) in fields.items()
        }
        m = msg(template, **values)
        english, korean = str(m), m.localized("ko")
        for n, (_, conv) in fields.items():
            shown = repr(values[n]) if conv == "r" else values[n]
            if isinstance(values[n], str):
                assert shown in english and shown in korean, (template, n)


def test_no_error_template_is_an_f_string() -> None:
    # ``InputError.of(f"...")`` or ``msg(f"...")`` would make a template the catalogue can never
    # hold: the values belong in the fields, the template must be a literal (or a named constant)
    import ast

    found = []
    for path in (ROOT / "cgresearch").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("of", "msg", "N_") and isinstance(node.args[0], ast.JoinedStr | ast.BinOp):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"f-string or concatenated templates (pass the values as fields): {found}"
