"""CSV import of the format in data/sample/README.md: validated row by row through the
models' own rules, written in bulk with history, all or nothing."""

from .pipeline import import_paths, run_import
from .report import ImportReport, Problem

__all__ = ["ImportReport", "Problem", "import_paths", "run_import"]
