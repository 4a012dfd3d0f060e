"""The documentation stays a front page plus a true reference: the README short and opening
with the two commands, every relative link landing on a file (and heading) that exists, every
environment variable the settings read documented (and none documented that nothing reads),
every `make` target of the help described somewhere."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CONFIGURATION = DOCS / "configuration.md"
README_MAX_LINES = 250
FRONT_COMMANDS = ["make run", "make test"]

FENCED_BLOCK = re.compile(r"^```.*?^```", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`]+`")
# [text](target) and ![alt](target); a target may not contain spaces or parentheses.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
# env("X"), env.bool("X"), env.int("X"), env.list("X"), env.db("X"), env.path("X")...
SETTINGS_READ = re.compile(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
DOCUMENTED_VARIABLE = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.M)
HELP_TARGET = re.compile(r'^\t@echo "make ([a-z_-]+)\b', re.M)
# Ways the project's own files read a variable from the environment (or, for make and the
# shell, from a variable that the environment may set).
READS = (
    r"\benv(?:\.\w+)?\(\s*[\"']{name}[\"']",
    r"environ(?:\.get|\.setdefault)?\(\s*[\"']{name}[\"']",
    r"environ\[\s*[\"']{name}[\"']\s*\]",
    r"getenv\(\s*[\"']{name}[\"']",
    r"\$\$?\{{{name}\b",
    r"\$\({name}\)",
    r"\${name}\b",
)
# Variables read by another program than ours, and the file that hands them to it.
READ_BY_OTHER_PROGRAMS = {
    # docker-compose.yml gives .env to the postgres image, which creates its database from them.
    "POSTGRES_DB": ("docker-compose.yml", "image: postgres"),
    "POSTGRES_USER": ("docker-compose.yml", "image: postgres"),
    "POSTGRES_PASSWORD": ("docker-compose.yml", "image: postgres"),
    # gunicorn takes its number of worker processes from the environment.
    "WEB_CONCURRENCY": ("Dockerfile", "gunicorn"),
}
# Where the project's own code and scripts live (Markdown and .env.example only describe).
CODE_FILES = ("Makefile", "Dockerfile", "docker-compose.yml", ".ci/run", "manage.py")
CODE_FOLDERS = ("config", "startups", "deals", "dashboards", "backups", "benchmarks", "tests")


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def prose(text: str) -> str:
    """The text without code, whose brackets and dollar signs are not links."""
    return INLINE_CODE.sub("", FENCED_BLOCK.sub("", text))


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = INLINE_CODE.sub(lambda m: m.group(0).strip("`"), heading).strip().lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors_of(path: Path) -> set[str]:
    return {anchor(h) for h in HEADING.findall(FENCED_BLOCK.sub("", path.read_text()))}


def broken_links(path: Path) -> list[str]:
    """The relative links of a Markdown file that name no file, or no heading of it."""
    broken = []
    for target in LINK.findall(prose(path.read_text())):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        # A fragment names a heading of a Markdown file; other files' fragments are not checked.
        checked = fragment and linked.suffix == ".md"
        if not linked.exists() or (checked and fragment not in anchors_of(linked)):
            broken.append(target)
    return broken


def code_texts() -> dict[str, str]:
    files = [ROOT / name for name in CODE_FILES]
    for folder in CODE_FOLDERS:
        files.extend(p for p in (ROOT / folder).rglob("*.py") if ".venv" not in p.parts)
    return {str(p.relative_to(ROOT)): p.read_text() for p in files}


def readers_of(name: str, texts: dict[str, str]) -> list[str]:
    patterns = [re.compile(read.format(name=re.escape(name))) for read in READS]
    return [path for path, text in texts.items() if any(p.search(text) for p in patterns)]


def test_the_readme_is_a_front_page_that_opens_with_the_two_commands():
    # Given the README
    lines = README.read_text().splitlines()
    # Then it fits a few screens
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"
    # And after its title and at most one paragraph comes a code block with the two commands
    assert lines[0].startswith("# ")
    blocks, current = [], []
    for line in lines[1:]:
        if line.startswith("```"):
            break
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    else:
        raise AssertionError("README.md has no code block")
    if current:
        blocks.append(current)
    assert len(blocks) <= 1, f"{len(blocks)} paragraphs before the commands"
    start = lines.index(next(line for line in lines if line.startswith("```")))
    commands = [line.split("#")[0].strip() for line in lines[start + 1 : start + 3]]
    assert commands == FRONT_COMMANDS


def test_every_relative_link_in_the_readme_and_docs_lands_on_something_that_exists():
    # Given the README and every document under docs/
    files = markdown_files()
    assert len(files) > 1
    # Then each relative link names an existing file, and an existing heading when it has #
    broken = {str(p.relative_to(ROOT)): broken_links(p) for p in files}
    assert {path: links for path, links in broken.items() if links} == {}


def test_the_link_check_catches_a_missing_file_and_a_missing_heading(tmp_path):
    # Given a document linking to itself, a sibling, a missing file and a missing heading
    (tmp_path / "other.md").write_text("# Other\n\n## A heading, `with code`\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[fine](other.md#a-heading-with-code) [web](https://example.com/x)"
        " [here](#page) [gone](missing.md) [no heading](other.md#nowhere)\n"
        "`[code](not-a-link.md)`\n"
    )
    # Then only the missing file and the missing heading are reported
    assert broken_links(page) == ["missing.md", "other.md#nowhere"]


def test_every_variable_the_settings_read_is_documented_and_every_documented_one_is_read():
    # Given the variables config/settings/*.py read and those docs/configuration.md documents
    settings_dir = ROOT / "config" / "settings"
    read = {
        name for p in settings_dir.glob("*.py") for name in SETTINGS_READ.findall(p.read_text())
    }
    documented = set(DOCUMENTED_VARIABLE.findall(CONFIGURATION.read_text()))
    assert len(read) > 20
    # Then every variable read is documented
    assert sorted(read - documented) == []
    # And every documented variable is read by our code, or by the program named for it
    texts = code_texts()
    unread = []
    for name in sorted(documented):
        if name in READ_BY_OTHER_PROGRAMS:
            file_name, reader = READ_BY_OTHER_PROGRAMS[name]
            if reader not in (ROOT / file_name).read_text():
                unread.append(name)
        elif not readers_of(name, texts):
            unread.append(name)
    assert unread == []


def test_a_variable_counts_as_read_only_where_code_reads_it():
    texts = {
        "a.py": 'X = env.int("READ_BY_SETTINGS", default=1)\nos.environ.get("READ_BY_TESTS")',
        "Makefile": "run:\n\techo $(MAKE_VARIABLE) $${SHELL_VARIABLE:-1}",
        "b.py": "# MENTIONED_ONLY in a comment",
    }
    for name in ("READ_BY_SETTINGS", "READ_BY_TESTS", "MAKE_VARIABLE", "SHELL_VARIABLE"):
        assert readers_of(name, texts) != [], name
    assert readers_of("MENTIONED_ONLY", texts) == []


def test_every_make_target_of_the_help_is_described_in_the_readme_or_the_docs():
    # Given the targets `make help` lists
    targets = HELP_TARGET.findall((ROOT / "Makefile").read_text())
    assert {"run", "test", "backup"} <= set(targets)
    # Then each is named as `make <target>` in the README or a document
    text = "\n".join(p.read_text() for p in markdown_files())
    assert [t for t in targets if not re.search(rf"\bmake {re.escape(t)}\b", text)] == []
