"""Join codes a trainer can read aloud and a trainee can type on a phone.

The alphabet leaves out the characters people confuse: 0/O, 1/I/l. Codes are
shown in capitals and read case-insensitively.
"""

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6  # 31**6 ≈ 887 million codes: guessing one by trying is hopeless behind a rate limit
MIN_LENGTH, MAX_LENGTH = 6, 8


def new_code(length: int = LENGTH) -> str:
    """Return a fresh random join code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(typed: str) -> str:
    """Return a typed code in its stored form (capitals, no spaces or dashes)."""
    return "".join(typed.split()).replace("-", "").upper()


def is_well_formed(code: str) -> bool:
    return MIN_LENGTH <= len(code) <= MAX_LENGTH and all(c in ALPHABET for c in code)
