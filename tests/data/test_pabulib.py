"""The Pabulib reader: every shared election reads with the counts its README publishes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cgresearch import paths
from cgresearch.data import read_pb
from cgresearch.errors import InputError


def _published() -> list[tuple[str, int, int, str, int]]:
    # data/raw/pabulib/README.md: | file | projects | voters | vote type | budget | rule | sha256 |
    readme = (paths.raw_data_dir() / "pabulib" / "README.md").read_text(encoding="utf-8")
    rows = []
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0].endswith(".pb"):
            rows.append((cells[0], int(cells[1]), int(cells[2]), cells[3], int(cells[4])))
    return rows


PUBLISHED = _published()


def test_the_readme_lists_all_eight_elections() -> None:
    assert len(PUBLISHED) == 8


@pytest.mark.parametrize(("name", "n_projects", "n_voters", "vote_type", "budget"), PUBLISHED)
def test_each_election_reads_with_the_published_counts_type_and_budget(
    name: str, n_projects: int, n_voters: int, vote_type: str, budget: int
) -> None:
    election = read_pb(paths.raw_data_dir() / "pabulib" / name)
    assert (election.n_projects, election.n_voters) == (n_projects, n_voters)
    assert election.vote_type == vote_type
    assert election.budget == budget
    assert election.projects["project_id"].is_unique


def test_a_missing_file_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.pb: no such Pabulib file"):
        read_pb(tmp_path / "missing.pb")


def test_a_malformed_file_is_reported_as_not_readable(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text(
        "META\nkey;value\nbudget;abc\nPROJECTS\nproject_id;cost\nx;1\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"bad\.pb"):
        read_pb(bad)
