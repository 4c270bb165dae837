"""Read the artifacts jurists edit in `letters/`: DOCX templates, schemas, huisstijl.

Files are read on every use, so an edited template takes effect at once; what is
derived from them (parsed schema, validator) is cached by the file's sha256, so
an unchanged file costs one read and one hash.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker

from engine.running.handlers import HandlerError

TEMPLATE_NAME = re.compile(r"[a-z0-9_]+")
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "letters"
BEZWAARCLAUSULE = "onderdelen/bezwaarclausule.docx"
HUISSTIJL_REQUIRED = (
    "naam", "plaats", "bezoekadres", "postadres", "telefoon", "email", "website",
    "college", "ondertekenaar.naam", "ondertekenaar.functie", "bezwaar.adres",
)


@dataclass(frozen=True)
class Artifact:
    """One file's bytes and their sha256 (the version we archive with each letter)."""

    path: str
    content: bytes
    sha256: str


@dataclass(frozen=True)
class LetterSpec:
    """A letter type: its template, its schema and whether it is a beschikking."""

    name: str
    template: Artifact
    schema: dict[str, Any]
    validator: Draft202012Validator
    beschikking: bool


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@lru_cache(maxsize=256)
def _compiled_schema(sha: str, text: bytes) -> tuple[dict[str, Any], Draft202012Validator]:
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema, Draft202012Validator(schema, format_checker=FormatChecker())


@lru_cache(maxsize=64)
def _parsed_yaml(sha: str, text: bytes) -> dict[str, Any]:
    loaded = yaml.safe_load(text)
    return loaded if isinstance(loaded, dict) else {}


class TemplateStore:
    """The `letters/` folder of one installation."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def default(cls) -> "TemplateStore":
        """Return the store at $REGIE_LETTERS_DIR, or the repository's `letters/`."""
        return cls(Path(os.environ.get("REGIE_LETTERS_DIR") or DEFAULT_ROOT))

    def read(self, relative: str) -> Artifact:
        """Return the bytes and hash of a file under the store's root."""
        path = self.root / relative
        content = path.read_bytes()
        return Artifact(relative, content, _sha256(content))

    def exists(self, relative: str) -> bool:
        """Tell whether a file exists under the store's root."""
        return (self.root / relative).is_file()

    def names(self) -> list[str]:
        """Return every letter type that has both a template and a schema."""
        return sorted(
            p.name.removesuffix(".schema.json")
            for p in self.root.glob("*.schema.json")
            if (self.root / p.name.replace(".schema.json", ".docx")).is_file()
        )

    def spec(self, name: str) -> LetterSpec:
        """Return the letter type `name`, or raise HandlerError when it does not exist."""
        if not TEMPLATE_NAME.fullmatch(name or "") or not (
            self.exists(f"{name}.docx") and self.exists(f"{name}.schema.json")
        ):
            raise HandlerError(f"Brief {name!r}: onbekend sjabloon")
        schema_file = self.read(f"{name}.schema.json")
        schema, validator = _compiled_schema(schema_file.sha256, schema_file.content)
        return LetterSpec(
            name=name,
            template=self.read(f"{name}.docx"),
            schema=schema,
            validator=validator,
            beschikking=bool(schema.get("x-beschikking")),
        )

    def summary(self, name: str, taal: str) -> Artifact | None:
        """Return the summary template of `name` in `taal`, or None when there is none."""
        relative = f"samenvatting/{name}.{taal}.docx"
        if not taal.isalpha() or not self.exists(relative):
            return None
        return self.read(relative)

    def huisstijl(self, gemeente: str) -> tuple[dict[str, Any], Artifact | None, str]:
        """Return a gemeente's letterhead settings, its logo and the settings' sha256."""
        relative = f"huisstijl/{gemeente}.yaml"
        if not gemeente.replace("-", "").replace("_", "").isalnum() or not self.exists(relative):
            raise HandlerError(f"Geen huisstijl voor gemeente {gemeente!r} (letters/{relative})")
        settings_file = self.read(relative)
        settings = copy.deepcopy(_parsed_yaml(settings_file.sha256, settings_file.content))
        missing = [key for key in HUISSTIJL_REQUIRED if not _lookup(settings, key)]
        if missing:
            fields = ", ".join(f"'{key}'" for key in missing)
            raise HandlerError(f"Huisstijl {gemeente}: veld {fields} ontbreekt")
        settings.setdefault("bezwaar", {}).setdefault("digitaal", "")
        logo = None
        if settings.get("logo"):
            logo_path = (self.root / "huisstijl" / str(settings["logo"])).resolve()
            if logo_path.parent != (self.root / "huisstijl").resolve() or not logo_path.is_file():
                raise HandlerError(f"Huisstijl {gemeente}: logo moet een bestand in letters/huisstijl/ zijn")
            logo = self.read(f"huisstijl/{logo_path.name}")
        return settings, logo, settings_file.sha256


def _lookup(settings: dict[str, Any], dotted: str) -> Any:
    value: Any = settings
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value
