"""No secret in the repository: no private key, cloud or service token, real SECRET_KEY,
database password or .env file among the files git tracks.

Placeholders are fine and documented: the development SECRET_KEY of config/settings/local.py
and `change-me` in .env.example."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT_KEY = "insecure-local-development-key-never-used-in-production"
PLACEHOLDER_PASSWORDS = {"change-me", "tracker", "secret", "PASSWORD"}
SECRETS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret key": re.compile(r"aws_secret_access_key\s*[=:]\s*\S{40}", re.IGNORECASE),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Stripe live key": re.compile(r"\b[sr]k_live_[0-9A-Za-z]{16,}"),
    "API token of ours": re.compile(r"\bcait_[0-9a-f]{64}\b"),
}
# A quoted value given to SECRET_KEY: assigned (Python, YAML, env files) or as env()'s default.
SECRET_KEY_LITERAL = re.compile(
    r"""SECRET_KEY["']? \s* [:=] \s*
        (?: [\w.]+\( \s* ["']\w+["'] \s*,\s* default\s*=\s* )?
        ["'] ([^"'\s]+) ["']""",
    re.VERBOSE,
)
# The password in a connection URL, unless it is filled in from elsewhere ($VAR, {expression}).
DATABASE_PASSWORD = re.compile(r"\b(?:postgres(?:ql)?|redis|mysql)://[^:/\s@]+:([^@\s${][^@\s]*)@")
SECRET_FILES = re.compile(r"(^|/)(\.env(\..+)?|id_[rd]sa|.+\.(pem|key|p12|pfx))$")


def tracked_files() -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"needs a git checkout to list the tracked files: {result.stderr}")
    return [name for name in result.stdout.split("\0") if name]


def tracked_text() -> dict[str, str]:
    texts = {}
    for name in tracked_files():
        path = ROOT / name
        if path.is_file():
            texts[name] = path.read_bytes().decode("utf-8", errors="ignore")
    return texts


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return tracked_text()


def test_no_env_file_or_key_file_is_tracked():
    found = [name for name in tracked_files() if SECRET_FILES.search(name)]

    assert found == [".env.example"]


@pytest.mark.parametrize("kind", SECRETS)
def test_no_key_or_token_is_tracked(texts, kind):
    found = [name for name, text in texts.items() if SECRETS[kind].search(text)]

    assert found == []


def test_every_literal_secret_key_is_the_development_one(texts):
    literals = {
        (name, value) for name, text in texts.items() for value in SECRET_KEY_LITERAL.findall(text)
    }

    assert {value for _, value in literals} <= {DEVELOPMENT_KEY}, literals
    assert ("config/settings/local.py", DEVELOPMENT_KEY) in literals


def test_database_and_broker_passwords_are_placeholders(texts):
    passwords = {
        (name, value) for name, text in texts.items() for value in DATABASE_PASSWORD.findall(text)
    }

    assert {value for _, value in passwords} <= PLACEHOLDER_PASSWORDS, passwords


# Samples put together here so that this file does not hold one whole.
SAMPLES = {
    "private key": "-----BEGIN RSA " + "PRIVATE KEY-----",
    "AWS access key": "AKIA" + "ABCDEFGHIJKLMNOP",
    "AWS secret key": "aws_secret_access_key = " + "a" * 40,
    "GitHub token": "ghp_" + "a" * 36,
    "Slack token": "xoxb-" + "1234567890-abc",
    "Google API key": "AIza" + "a" * 35,
    "Stripe live key": "sk_live_" + "a" * 24,
    "API token of ours": "cait_" + "0" * 64,
}


@pytest.mark.parametrize("kind", SECRETS)
def test_each_pattern_finds_what_it_looks_for(kind):
    assert SECRETS[kind].search(f"token = '{SAMPLES[kind]}'")


def test_a_literal_key_and_a_real_password_would_be_found():
    key = "SECRET_" + "KEY"
    assert SECRET_KEY_LITERAL.findall(f'{key} = "' + "x" * 50 + '"') == ["x" * 50]
    assert SECRET_KEY_LITERAL.findall(f'{key} = env("{key}", default="abc")') == ["abc"]
    assert DATABASE_PASSWORD.findall("postgres://app:" + "hunter2@db/app") == ["hunter2"]
    assert DATABASE_PASSWORD.findall("postgres://app:$DB_PASSWORD@db/app") == []
