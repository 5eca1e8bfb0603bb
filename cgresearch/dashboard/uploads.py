"""The dashboard session's upload events: a scenario file, an indicators file, an amounts file.

:class:`UploadEvents` is mixed into the session class of :mod:`cgresearch.dashboard.app`: its
methods read the session's widgets (``upload``, ``indicators_upload``, ``previous_upload``,
``files_reset``, ``file_problem``, ``data_notice``, ``base_select``...) and call back into the
session to solve again (``_values``, ``_with_files``, ``_solve_baseline``, ``_show_problem``,
``update``). Reading and checking the files themselves is :mod:`cgresearch.dashboard.files`.

Examples
--------
>>> UPLOADED
'(uploaded file)'
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from cgresearch.allocation import EnvelopeModel
from cgresearch.dashboard import files, state
from cgresearch.errors import CGResearchError, InputError
from cgresearch.i18n import tr

__all__ = ["UPLOADED", "UploadEvents"]

_LOG = logging.getLogger("cgresearch.dashboard.app")
#: The base name of an uploaded scenario in the base selector (tr: its label).
UPLOADED = "(uploaded file)"


class UploadEvents:
    """The upload handlers of one dashboard session (mixed into the session class)."""

    # Set by the session; declared here for readers and type checkers.
    lang: Any
    _suspended: bool

    def _on_upload(self, event: Any) -> None:
        if not event.new:
            return
        try:
            scenario = state.scenario_from_upload(bytes(event.new))
        except CGResearchError as exc:
            self._show_problem(
                "invalid",
                tr("the uploaded file is not a valid scenario: {why}", self.lang, why=exc),
            )
            return
        self.upload_text.value = state.encode_scenario(scenario)
        if self.base_select.value == UPLOADED:
            self._on_base()
        else:
            self.base_select.value = UPLOADED

    def _read_upload(self, reader: Callable[[bytes, str], Any], data: Any, name: str) -> Any:
        """An uploaded file through its loader, or ``None`` with the reason shown on the page."""
        try:
            return reader(bytes(data), name)
        except CGResearchError as exc:
            self._file_refused(exc)
        except Exception as exc:  # a plain sentence for the planner, the trace for the log
            _LOG.exception("dashboard: reading an uploaded file failed")
            self._file_refused(InputError(f"{name}: the file could not be read ({exc})"))
        return None

    def _on_indicators_file(self, event: Any) -> None:
        """An uploaded indicators file replaces the district table (targets and map)."""
        if not event.new:
            return
        name = str(self.indicators_upload.filename or "")
        table = self._read_upload(files.read_indicators, event.new, name)
        if table is None:
            return
        self.districts = table
        self.indicators_file = str(table.attrs.get("source") or name)
        self._files_changed()

    def _on_previous_file(self, event: Any) -> None:
        """An uploaded amounts file fills ``previous_eok``; the change limits apply to it."""
        if not event.new:
            return
        name = str(self.previous_upload.filename or "")
        table = self._read_upload(files.read_previous, event.new, name)
        if table is None:
            return
        self.previous_table = table
        self.previous_file = files.upload_name(name)
        self._files_changed(previous_from_file=True)

    def _on_files_reset(self, *_: Any) -> None:
        """Back to the package's district table and the scenario's own last-year amounts."""
        self.districts = self.package_districts
        self.indicators_file = self.previous_file = None
        self.previous_table = None
        for widget in (self.indicators_upload, self.previous_upload):
            widget.value = None  # the same file can be uploaded again
        self._files_changed(previous_from_file=True)

    def _file_refused(self, exc: CGResearchError) -> None:
        """Say why a file was refused; the page keeps its data and its allocation."""
        self.file_problem.object = files.problem_html(exc, self.lang)
        self.file_problem.visible = True

    def _files_changed(self, previous_from_file: bool = False) -> None:
        """Solve again on the uploaded data, keeping every control the planner has set.

        A new amounts file (``previous_from_file``) also resets the last-year control, so the
        file's amounts per gu are used rather than one amount set earlier on the page.
        """
        self.file_problem.visible = False
        self.data_notice.object = files.data_notice(
            self.indicators_file, self.previous_file, self.lang
        )
        self.files_reset.visible = bool(self._files_query())
        values = self._values()
        old_start = state.values_from_scenario(self.base)
        self._suspended = True
        try:
            base_name = self.base_select.value
            raw = self.scenarios.get(base_name, self.base)
            if base_name == UPLOADED:
                try:
                    raw = state.decode_scenario(self.upload_text.value or "")
                except CGResearchError:
                    raw = self.base  # the page already says why the upload cannot be read
            self.base = self._with_files(raw)
            start = state.values_from_scenario(self.base)
            if previous_from_file or not state.differs(values["previous"], old_start["previous"]):
                self.controls["previous"].value = start["previous"]  # the file's amounts
            self._smallest.clear()
            self.model = EnvelopeModel(self.districts, self.base)
            self.baseline = self._solve_baseline()
        finally:
            self._suspended = False
        if self.location is not None:
            query = dict(parse_qsl(str(self.location.search or "").lstrip("?")))
            query.pop("files", None)
            query.update(self._files_query())
            self.location.search = "?" + urlencode(query)
        self.update()

    def _files_query(self) -> dict[str, str]:
        """The address bar's mark of uploaded files (a link cannot carry them; it says so)."""
        pairs = (("districts", self.indicators_file), ("previous", self.previous_file))
        used = [key for key, name in pairs if name]
        return {"files": ",".join(used)} if used else {}
