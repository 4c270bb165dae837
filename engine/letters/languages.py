"""The languages an inburgeraar may read a letter summary in: names, month names, writing direction.

The Dutch letter is the legal text (Awb 2:6: the administrative language is Dutch); the
summary page in the inburgeraar's own language helps them understand it. Languages are
case data as codes (ISO 639-1, or ISO 639-3 where 639-1 has none: `prs` is Dari); people
see them by their Dutch name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    naam: str              # the Dutch name people see in the workplace
    eigen_naam: str        # the name in the language itself (endonym)
    rtl: bool = False      # written right to left
    maanden: tuple[str, ...] = ()   # Gregorian month names for dates in a summary


LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (
    Language("nl", "Nederlands", "Nederlands", maanden=(
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
        "november", "december")),
    Language("en", "Engels", "English", maanden=(
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December")),
    Language("ar", "Arabisch", "العربية", rtl=True, maanden=(
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
        "ديسمبر")),
    Language("ti", "Tigrinya", "ትግርኛ", maanden=(
        "ጥሪ", "ለካቲት", "መጋቢት", "ሚያዝያ", "ግንቦት", "ሰነ", "ሓምለ", "ነሓሰ", "መስከረም", "ጥቅምቲ", "ሕዳር", "ታሕሳስ")),
    Language("prs", "Dari", "دری", rtl=True, maanden=(
        "جنوری", "فبروری", "مارچ", "اپریل", "می", "جون", "جولای", "اگست", "سپتمبر", "اکتوبر", "نومبر", "دسمبر")),
    Language("fa", "Farsi", "فارسی", rtl=True, maanden=(
        "ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر")),
    Language("uk", "Oekraïens", "Українська", maanden=(
        "січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня",
        "листопада", "грудня")),
    Language("tr", "Turks", "Türkçe", maanden=(
        "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım",
        "Aralık")),
    Language("so", "Somalisch", "Soomaali", maanden=(
        "Janaayo", "Febraayo", "Maarso", "Abriil", "Maajo", "Juun", "Luulyo", "Ogost", "Sebtembar", "Oktoobar",
        "Nofembar", "Desembar")),
    # Languages people in the klantreis read, without a summary template yet: named, never guessed.
    Language("es", "Spaans", "Español"),
    Language("pt", "Portugees", "Português"),
    Language("fr", "Frans", "Français"),
    Language("de", "Duits", "Deutsch"),
    Language("pl", "Pools", "Polski"),
    Language("ru", "Russisch", "Русский"),
    Language("zh", "Chinees", "中文"),
    Language("ps", "Pashto", "پښتو", rtl=True),
    Language("ku", "Koerdisch", "Kurdî"),
    Language("am", "Amhaars", "አማርኛ"),
    Language("ur", "Urdu", "اردو", rtl=True),
    Language("hi", "Hindi", "हिन्दी"),
    Language("id", "Indonesisch", "Bahasa Indonesia"),
    Language("th", "Thais", "ไทย"),
    Language("vi", "Vietnamees", "Tiếng Việt"),
)}

# The languages every letter type has a summary template for (letters/samenvatting/<letter>.<code>.docx);
# tests/letters check that each of them exists for every letter template.
SUMMARY_LANGUAGES = ("en", "ar", "ti", "prs", "fa", "uk", "tr", "so")
NO_SUMMARY = frozenset({"", "nl"})


def language_name(code: str | None) -> str:
    """Name a language the way the workplace shows it: `ar` -> Arabisch; unknown codes say so."""
    if not code:
        return "Nederlands"
    known = LANGUAGES.get(str(code).lower())
    return known.naam if known else f"onbekende taal ({code})"


def month_names(code: str) -> tuple[str, ...]:
    """Return the month names for dates written in `code`; a language without them is an error."""
    known = LANGUAGES.get(code)
    if known is None or not known.maanden:
        raise ValueError(f"geen maandnamen voor taal {code!r}; bekend: {', '.join(sorted(c for c, l in LANGUAGES.items() if l.maanden))}")
    return known.maanden
