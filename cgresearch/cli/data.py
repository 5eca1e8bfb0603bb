"""``cgresearch data``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse
from pathlib import Path

from cgresearch.i18n import tr


def _add_data(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("data", help="check or rewrite the raw-data manifest (data/MANIFEST)")
    dsub = p.add_subparsers(dest="data_command", required=True)
    v = dsub.add_parser(
        "verify",
        help="check every raw file against data/MANIFEST (exit 1 naming each changed, missing "
        "or unlisted file and what to do)",
    )
    v.add_argument("--manifest", type=Path, help="manifest file (default data/MANIFEST)")
    v.add_argument("--raw-dir", type=Path, help="raw-data folder (default data/raw/)")
    v.set_defaults(func=_run_data_verify)
    m = dsub.add_parser("manifest", help="print, or with --write rewrite, data/MANIFEST")
    m.add_argument("--write", action="store_true", help="rewrite data/MANIFEST from disk")
    m.set_defaults(func=_run_data_manifest)


def _run_data_verify(args: argparse.Namespace) -> int:
    from cgresearch.data.manifest import verify_manifest

    check = verify_manifest(args.manifest, args.raw_dir)
    print(check.describe(args.lang))
    return 0 if check.ok else 1


def _run_data_manifest(args: argparse.Namespace) -> int:
    from cgresearch.data.manifest import compute_manifest, write_manifest

    if args.write:
        print(tr("wrote {path}", args.lang, path=write_manifest()))
    else:
        for rel, digest in compute_manifest().items():
            print(f"{digest}  {rel}")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_data(sub)
