"""Identifiers with real check characters, computed with the rules of startups.identifiers,
and the same codes with one check character wrong, for the tests of every entry point."""

from startups.identifiers import (
    USCC_CHARACTERS,
    _organisation_check_character,
    _uscc_check_character,
)


def uscc(registration: str = "91110108", organisation: str = "MA01ABCD") -> str:
    """A Unified Social Credit Code whose two check characters are right: the organisation
    code's (GB 11714, the 17th) and the whole code's (GB 32100, the 18th)."""
    first17 = registration + organisation + _organisation_check_character(organisation)
    return first17 + _uscc_check_character(first17)


def other(character: str, alphabet: str = USCC_CHARACTERS) -> str:
    """A character of `alphabet` that is not `character`."""
    return next(c for c in alphabet if c != character)


def uscc_with_wrong_18th(code: str) -> str:
    return code[:17] + other(code[17])


def uscc_with_wrong_organisation_check(registration="91110108", organisation="MA01ABCD") -> str:
    """The organisation code's check character (the 17th) wrong, the 18th right for it: only
    GB 11714 can tell."""
    wrong = other(_organisation_check_character(organisation), "0123456789X")
    first17 = registration + organisation + wrong
    return first17 + _uscc_check_character(first17)


def lei(base: str) -> str:
    """An LEI: 18 characters and the two check digits of ISO 17442 (mod 97-10)."""
    number = int("".join(str(int(c, 36)) for c in base + "00"))
    return f"{base}{98 - number % 97:02d}"


def lei_with_wrong_check_digits(base: str) -> str:
    code = lei(base)
    return code[:18] + f"{(int(code[18:]) + 1) % 100:02d}"
