"""COINr iData and iMeta files: read, checked together, each problem named by file and row."""

from __future__ import annotations

from pathlib import Path

import pytest

from cgresearch.errors import InputError, ParameterError
from cgresearch.evaluation import load_coinr, read_weights

META = """Level,iCode,iName,Direction,Weight,Parent,Type
1,a,A,1,1,I,Indicator
1,b,B,-1,2,I,Indicator
,region,Region,,,,Group
2,I,Index,,1,,Aggregate
"""
DATA = """uCode,uName,region,a,b
11110,종로구,도심,1.5,3
11140,중구,도심,,4
11170,용산구,도심,2.5,5
"""

DATA_EXTRA = """uCode,a,b,c
11110,1,3,9
11140,2,4,9
"""


def _write(tmp_path: Path, data: str = DATA, meta: str = META, encoding: str = "utf-8"):
    d, m = tmp_path / "iData.csv", tmp_path / "iMeta.csv"
    d.write_bytes(data.encode(encoding))
    m.write_bytes(meta.encode(encoding))
    return d, m


def test_coinr_tables_load_with_units_as_index_and_groups_kept(tmp_path: Path) -> None:
    data, fw = load_coinr(*_write(tmp_path, encoding="cp949"))
    assert list(data.index) == ["11110", "11140", "11170"]
    assert data["a"].tolist()[::2] == [1.5, 2.5] and data["a"].isna().sum() == 1
    assert data["uName"].tolist() == ["종로구", "중구", "용산구"]
    assert data["region"].tolist() == ["도심"] * 3
    assert fw.indicators == ("a", "b") and fw.groups == ("region",)


@pytest.mark.parametrize(
    ("data", "meta", "words"),
    [
        (DATA.replace("2.5,5", "2.5,five"), META, ["iData.csv", "row 4", "'b'", "'five'"]),
        (DATA.replace("11170", "11110"), META, ["iData.csv", "row 4", "uCode", "repeats"]),
        (DATA.replace("uCode", "code"), META, ["iData.csv", "uCode"]),
        (DATA, META.replace("1,b,B,-1,2", "1,b,B,-1,two"), ["iMeta.csv", "row 3", "'Weight'"]),
        (DATA, META.replace("1,b,B,-1,2,I", "1,bb,B,-1,2,I"), ["iData.csv", "'bb'", "META"]),
        (DATA, META.replace("1,b,B,-1,2,I", "1,b,B,-1,2,J"), ["iMeta.csv, row 3 (code 'b')"]),
        (DATA, META.replace("2,I,Index,,1,", "2,I,Index,,1,b"), ["iMeta.csv, row 5", "cycle"]),
        (DATA_EXTRA, META, ["'c'", "not an indicator"]),
    ],
)
def test_a_bad_coinr_file_is_named_with_its_row_and_column(
    tmp_path: Path, data: str, meta: str, words: list[str]
) -> None:
    with pytest.raises((InputError, ParameterError)) as err:
        load_coinr(*_write(tmp_path, data, meta))
    for word in words:
        assert word in str(err.value)


def test_weights_from_toml_or_a_table(tmp_path: Path) -> None:
    toml = tmp_path / "w.toml"
    toml.write_text("[weights]\na = 2\nb = 0.5\n", encoding="utf-8")
    csv = tmp_path / "w.csv"
    csv.write_text("iCode,Weight\na,2\nb,0.5\n", encoding="utf-8")
    assert read_weights(toml) == read_weights(csv) == {"a": 2.0, "b": 0.5}
    csv.write_text("code,weight\na,heavy\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"w.csv, row 2, column 'weight'"):
        read_weights(csv)
