"""Reading a scenario file's text: UTF-8, BOM, CP949 with a notice, neither; oversized numbers."""

from __future__ import annotations

import pytest

from cgresearch.allocation import load_scenario
from cgresearch.errors import ParameterError


def test_a_cp949_file_is_read_with_a_notice_naming_the_encoding(tmp_path):
    from cgresearch.errors import CGResearchWarning

    path = tmp_path / "notepad.toml"
    path.write_bytes('name = "종로_중점"\ntotal_budget_eok = 250\n'.encode("cp949"))
    with pytest.warns(CGResearchWarning, match=r"notepad\.toml is not UTF-8; read it as CP949"):
        scenario = load_scenario(path)
    assert scenario.name == "종로_중점"


def test_a_utf8_file_with_a_bom_is_read_without_a_notice(tmp_path, recwarn):
    path = tmp_path / "bom.toml"
    path.write_bytes('\ufeffname = "서울"\ntotal_budget_eok = 250\n'.encode())
    assert load_scenario(path).name == "서울"
    assert len(recwarn) == 0


def test_a_file_in_neither_encoding_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(b'name = "x"\ntotal_budget_eok = 1\ndescription = "\xff\xfe"\n')
    with pytest.raises(ParameterError, match=r"binary\.toml, line 3: .*save the file as UTF-8"):
        load_scenario(path)


def test_a_5000_digit_number_names_its_line_and_key(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(f'name = "s"\ntotal_budget_eok = {"9" * 5000}\n', encoding="utf-8")
    message = r"line 2: total_budget_eok is a number of 5000 digits"
    with pytest.raises(ParameterError, match=message):
        load_scenario(path)
