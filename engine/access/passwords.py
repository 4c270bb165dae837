"""The minimum password policy (BIO 9.4.3, NCSC): length, not guessable, not the user name."""

from __future__ import annotations

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
COMMON = frozenset({
    "welkom123456", "wachtwoord12", "wachtwoord123", "password1234", "123456789012", "qwertyuiop12",
    "welkomwelkom", "geheimgeheim", "regieregie12", "zomer2026zomer", "winter2026!!",
})


def password_problem(password: str, username: str = "") -> str | None:
    """Return why `password` is refused (Dutch, for the field), or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Een wachtwoord heeft hoogstens {MAX_PASSWORD_LENGTH} tekens."
    if len(set(password)) < 5:
        return "Gebruik meer verschillende tekens."
    lowered = password.lower()
    if lowered in COMMON:
        return "Dit wachtwoord is te bekend; kies een ander."
    if username and len(username) >= 3 and username.lower() in lowered:
        return "Uw gebruikersnaam mag niet in het wachtwoord staan."
    return None
