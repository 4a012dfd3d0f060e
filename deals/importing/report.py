"""What an import run found and did, file by file."""

from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Created:
    """A record an import made because nothing known matched the name a row gave it."""

    file: str
    line: int
    kind: str  # startup or investor
    slug: str
    name: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: created {self.kind} {self.slug} ({self.name})"


@dataclass
class FileCounts:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0


@dataclass
class ImportReport:
    files: dict[str, FileCounts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Records made for names that matched nothing known (the Crunchbase mapping).
    created: list[Created] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self, file: str) -> FileCounts:
        return self.files.setdefault(file, FileCounts(file))

    def problem(self, file: str, line: int | None, column: str | None, message: str) -> None:
        """Count every problem; keep the first IMPORT_REPORT_MAX_ERRORS of each file, so that a
        file of 300,000 bad rows makes a report of a few pages, not megabytes."""
        counts = self.counts(file)
        if counts.errors < max(1, settings.IMPORT_REPORT_MAX_ERRORS):
            self.problems.append(Problem(file, line, column, message))
        counts.errors += 1

    @property
    def error_count(self) -> int:
        """Every problem found, listed or not."""
        return sum(counts.errors for counts in self.files.values())

    def problems_by_file(self) -> list[tuple[str, list[Problem], int]]:
        """Each file with errors: its listed problems and how many more it has."""
        listed: dict[str, list[Problem]] = {}
        for problem in self.problems:
            listed.setdefault(problem.file, []).append(problem)
        return [
            (file, problems, self.files[file].errors - len(problems))
            for file, problems in listed.items()
        ]

    def sort_problems(self) -> None:
        """File by file in import order, then line by line, as a person reads them."""
        order = {name: index for index, name in enumerate(self.files)}
        self.problems.sort(key=lambda p: (order.get(p.file, -1), p.line or 0))

    def summary_lines(self) -> list[str]:
        width = max([len("file"), *(len(name) for name in self.files)]) + 2
        lines = [f"{'file':<{width}}{'created':>9}{'updated':>9}{'unchanged':>11}{'errors':>8}"]
        for counts in self.files.values():
            lines.append(
                f"{counts.file:<{width}}{counts.created:>9}{counts.updated:>9}"
                f"{counts.unchanged:>11}{counts.errors:>8}"
            )
        verdict = "dry run, nothing written" if self.dry_run else "written"
        if self.problems:
            verdict = f"{self.error_count} error(s), nothing written"
        lines.append(f"{verdict}; {self.seconds:.1f} s")
        return lines
