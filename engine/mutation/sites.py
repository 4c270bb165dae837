"""Find the places a legal constant or comparison can be changed by one step.

A mutant is one such change: a number one step up or down (600 -> 601, 0.75 -> 0.76),
an ISO duration one unit longer or shorter (P12M -> P13M), a boundary comparison made
inclusive or exclusive (>= -> >, ]0..340] -> ]0..340[). Sites are read from the
diagrams (`processes/*.bpmn`: conditions, timers, due dates, input/output mappings),
the decision tables (`processes/*.dmn`: every cell and literal expression), the forms
(`forms/*.form`: validation limits and FEEL expressions), the letter rules (Python
modules, through `ast`) and the terms the letter templates state in words ("zes weken",
"three years" in `letters/**/*.docx`). Nothing here runs anything.
"""

from __future__ import annotations

import ast
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from lxml import etree

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
EXPRESSION_TAGS = {"conditionExpression", "timeDate", "timeDuration", "timeCycle",
                   "inputParameter", "outputParameter", "expression"}
EXPRESSION_ATTRIBUTES = (f"{{{CAMUNDA}}}dueDate", f"{{{CAMUNDA}}}followUpDate")
DURATION = re.compile(r"P(?:T)?(\d+)([DWMYH])")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
RANGE = re.compile(r"([\[\]])\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*([\[\]])")
OPERATORS = {"<=": "<", "<": "<=", ">=": ">", ">": ">="}
FLIPPED_BRACKET = {"[": "]", "]": "["}
NUMBER_WORDS = (["twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf", "dertien"],
                ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen"])
TERM_IN_WORDS = re.compile(r"\b([0-9]+|[a-z]+) (weken|maanden|jaar|uur|dagen|weeks|months|years|hours|days)\b")


@dataclass(frozen=True)
class Change:
    """One edit inside an expression text: replace text[start:end] by `new`."""

    start: int
    end: int
    old: str
    new: str


@dataclass(frozen=True)
class Mutant:
    """One changed copy of one file: where, what, and how to make it."""

    id: str
    path: str                 # relative to the project root: processes/x.bpmn, engine/letters/rules.py
    element: str              # element id, DMN rule, form field or Python function
    original: str             # the expression or line before the change
    mutated: str              # the same after the change
    locator: tuple            # how sites.apply finds the spot again

    @property
    def kind(self) -> str:
        """Return the artifact kind: bpmn, dmn, form, python or docx."""
        suffix = Path(self.path).suffix.lstrip(".")
        return "python" if suffix == "py" else suffix

    def describe(self) -> str:
        """Return a one-line description: file, element and the change."""
        return f"{self.path} {self.element}: {self.original.strip()} -> {self.mutated.strip()}"


# -- expressions (JUEL, FEEL, unary tests) ---------------------------------------------------
def expression_changes(text: str) -> list[Change]:
    """Return every one-step change of a number, duration or boundary comparison in `text`."""
    changes: list[Change] = []
    strings: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "'\"":
            end = _closing_quote(text, i)
            strings.append((i, end))
            changes.extend(_duration_changes(text, i + 1, end))
            i = end + 1
            continue
        if ch.isdigit() and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.:")):
            match = NUMBER.match(text, i)
            if not text.startswith(":", match.end()):  # a time of day (T08:00:00Z) is no rule
                changes.extend(_number_changes(match.group(), i))
            i = match.end()
            continue
        if ch in "<>":
            op = text[i:i + 2] if text[i:i + 2] in OPERATORS else ch
            changes.append(Change(i, i + len(op), op, OPERATORS[op]))
            i += len(op)
            continue
        i += 1
    for match in RANGE.finditer(text):
        if any(s <= match.start() < e for s, e in strings):
            continue
        for group in (1, 4):
            start = match.start(group)
            changes.append(Change(start, start + 1, text[start], FLIPPED_BRACKET[text[start]]))
    return changes


def _closing_quote(text: str, start: int) -> int:
    quote, i = text[start], start + 1
    while i < len(text) and text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return min(i, len(text) - 1)


def _duration_changes(text: str, start: int, end: int) -> list[Change]:
    match = DURATION.fullmatch(text, start, end)
    if not match:
        return []
    number_start = match.start(1)
    return _number_changes(match.group(1), number_start)


def _number_changes(literal: str, at: int) -> list[Change]:
    decimals = len(literal.split(".")[1]) if "." in literal else 0
    step = 10 ** -decimals
    value = float(literal)
    out = []
    for new in (value + step, value - step):
        if new < 0:
            continue
        out.append(Change(at, at + len(literal), literal, f"{new:.{decimals}f}"))
    return out


def apply_changes(text: str, change: Change) -> str:
    """Return `text` with one change made."""
    return text[:change.start] + change.new + text[change.end:]


# -- diagrams and decision tables --------------------------------------------------------------
def xml_mutants(root: Path, relative: str) -> Iterator[Mutant]:
    """Yield the mutants of one BPMN or DMN file."""
    tree = etree.parse(str(root / relative))
    is_dmn = relative.endswith(".dmn")
    for index, element in enumerate(tree.iter()):
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        places: list[tuple[str | None, str]] = []
        if is_dmn and local == "text" and element.text:
            places.append((None, element.text))
        elif not is_dmn and local in EXPRESSION_TAGS and element.text and len(element) == 0:
            places.append((None, element.text))
        if not is_dmn:
            places.extend((attr, element.get(attr)) for attr in EXPRESSION_ATTRIBUTES if element.get(attr))
        for attribute, text in places:
            where = _xml_context(element, is_dmn)
            for number, change in enumerate(_xml_text_changes(text, is_dmn)):
                yield Mutant(
                    id=f"{relative}#{index}.{attribute or 'text'}.{number}", path=relative, element=where,
                    original=_excerpt(text, change), mutated=_excerpt(apply_changes(text, change), change, new=True),
                    locator=("xml", index, attribute, change),
                )


def _xml_text_changes(text: str, is_dmn: bool) -> list[Change]:
    """Return the changes of an expression; a plain BPMN text value only when it is one number or duration."""
    if is_dmn or "${" in text or text.lstrip().startswith("="):
        return expression_changes(text)
    stripped = text.strip()
    if NUMBER.fullmatch(stripped) or DURATION.fullmatch(stripped):
        start = text.index(stripped)
        return [Change(c.start + start, c.end + start, c.old, c.new)
                for c in expression_changes(f"'{stripped}'" if stripped.startswith("P") else stripped)
                for c in [Change(c.start - (1 if stripped.startswith("P") else 0),
                                 c.end - (1 if stripped.startswith("P") else 0), c.old, c.new)]]
    return []


def _xml_context(element: etree._Element, is_dmn: bool) -> str:
    node = element
    names = []
    while node is not None:
        local = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if node.get("id") and local not in ("text", "inputEntry", "outputEntry", "conditionExpression",
                                            "literalExpression", "timerEventDefinition", "inputExpression"):
            names.append(node.get("id"))
            if not is_dmn or local in ("decision",):
                break
        if local == "inputParameter" or local == "outputParameter":
            names.append(f"{local[:-9]} {node.get('name')}")
        node = node.getparent()
    return " / ".join(reversed(names)) or "?"


def _excerpt(text: str, change: Change, new: bool = False) -> str:
    end = change.start + len(change.new if new else change.old)
    left, right = max(0, change.start - 30), min(len(text), end + 30)
    return ("…" if left else "") + " ".join(text[left:right].split()) + ("…" if right < len(text) else "")


# -- forms --------------------------------------------------------------------------------------
def form_mutants(root: Path, relative: str) -> Iterator[Mutant]:
    """Yield the mutants of one Camunda form: validation limits and FEEL expressions."""
    data = json.loads((root / relative).read_text(encoding="utf-8"))
    for path, value, field in _json_leaves(data, (), "form"):
        key = path[-1]
        if key in ("min", "max") and isinstance(value, (int, float)) \
                and not isinstance(value, bool):
            literal = str(value)
            for number, change in enumerate(_number_changes(literal, 0)):
                yield Mutant(id=f"{relative}#{'/'.join(map(str, path))}.{number}", path=relative, element=field,
                             original=f"{key}: {literal}", mutated=f"{key}: {change.new}",
                             locator=("json", path, _as_number(change.new)))
        elif isinstance(value, str) and value.startswith("=") and key != "text":
            for number, change in enumerate(expression_changes(value)):
                yield Mutant(id=f"{relative}#{'/'.join(map(str, path))}.{number}", path=relative, element=field,
                             original=value, mutated=apply_changes(value, change),
                             locator=("json", path, apply_changes(value, change)))


def _as_number(literal: str) -> int | float:
    return float(literal) if "." in literal else int(literal)


def _json_leaves(node: Any, path: tuple, field: str) -> Iterator[tuple[tuple, Any, str]]:
    if isinstance(node, dict):
        field = node.get("key") or node.get("id") or field
        for key, value in node.items():
            yield from _json_leaves(value, path + (key,), field)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _json_leaves(value, path + (index,), field)
    else:
        yield path, node, field


# -- letter rules (Python) ----------------------------------------------------------------------
def python_mutants(root: Path, relative: str, skip_functions: frozenset[str] = frozenset()) -> Iterator[Mutant]:
    """Yield the mutants of a Python rule module: numbers, amounts in Decimal("…") and comparisons."""
    source = (root / relative).read_text(encoding="utf-8")
    offsets = _line_offsets(source)
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    number = 0
    for node in ast.walk(tree):
        where = _python_context(node, parents)
        if where in skip_functions or node is tree:
            continue
        for start, end, old, new in _python_changes(node, source, offsets, parents):
            line = source[offsets[node.lineno - 1]:].split("\n", 1)[0]
            mutated_source = source[:start] + new + source[end:]
            mutated_line = mutated_source[offsets[node.lineno - 1]:].split("\n", 1)[0]
            number += 1
            yield Mutant(id=f"{relative}#{number}", path=relative, element=where, original=line.strip(),
                         mutated=mutated_line.strip(), locator=("text", start, end, new))


def _python_changes(node: ast.AST, source: str, offsets: list[int], parents: dict) -> list[tuple[int, int, str, str]]:
    def at(lineno: int, col: int) -> int:
        return offsets[lineno - 1] + len(source[offsets[lineno - 1]:].encode("utf-8")[:col].decode("utf-8"))

    out = []
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        start, end = at(node.lineno, node.col_offset), at(node.end_lineno, node.end_col_offset)
        out += [(c.start + start, c.end + start, c.old, c.new) for c in _number_changes(source[start:end], 0)]
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_decimal_argument(node, parents):
        start = at(node.lineno, node.col_offset) + 1
        literal = node.value
        out += [(c.start + start, c.end + start, c.old, c.new) for c in _number_changes(literal, 0)]
    elif isinstance(node, ast.Compare):
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
                gap_start = at(left.end_lineno, left.end_col_offset)
                gap_end = at(right.lineno, right.col_offset)
                gap = source[gap_start:gap_end]
                match = re.search(r"<=|>=|<|>", gap)
                if match:
                    out.append((gap_start + match.start(), gap_start + match.end(), match.group(),
                                OPERATORS[match.group()]))
            left = right
    return out


def _is_decimal_argument(node: ast.Constant, parents: dict) -> bool:
    call = parents.get(node)
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "Decimal"
            and bool(NUMBER.fullmatch(node.value)))


def _python_context(node: ast.AST, parents: dict) -> str:
    current = node
    while current in parents:
        current = parents[current]
        if isinstance(current, (ast.FunctionDef, ast.ClassDef)):
            return current.name
        if isinstance(current, (ast.Assign, ast.AnnAssign)):
            target = current.targets[0] if isinstance(current, ast.Assign) else current.target
            if isinstance(target, ast.Name) and isinstance(parents.get(current), ast.Module):
                return target.id
    return "module"


def _line_offsets(source: str) -> list[int]:
    offsets, total = [], 0
    for line in source.splitlines(keepends=True):
        offsets.append(total)
        total += len(line)
    return offsets + [total]


# -- letter templates --------------------------------------------------------------------------
def docx_mutants(root: Path, relative: str) -> Iterator[Mutant]:
    """Yield the mutants of the terms a letter template states in words (zes weken -> zeven weken)."""
    with zipfile.ZipFile(root / relative) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    for match in TERM_IN_WORDS.finditer(xml):
        word, unit = match.group(1), match.group(2)
        before = " ".join(re.sub(r"<[^>]+>", "", xml[max(0, match.start() - 400):match.start()]).split())
        after = " ".join(re.sub(r"<[^>]+>", "", xml[match.start():match.end() + 300]).split())
        where = f"tekst: …{before[-30:]} {after[:len(word) + len(unit) + 20]}…"
        for number, new in enumerate(_neighbours(word)):
            yield Mutant(id=f"{relative}#{match.start()}.{number}", path=relative, element=where,
                         original=f"{word} {unit}", mutated=f"{new} {unit}",
                         locator=("docx", match.start(1), match.end(1), new))


def _neighbours(word: str) -> list[str]:
    if word.isdigit():
        return [c.new for c in _number_changes(word, 0)]
    for words in NUMBER_WORDS:
        if word in words:
            i = words.index(word)
            return [words[j] for j in (i + 1, i - 1) if 0 <= j < len(words)]
    return []


def _replace_in_docx(path: Path, start: int, end: int, new: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = content.decode("utf-8")
                content = (text[:start] + new + text[end:]).encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


# -- making a mutant ---------------------------------------------------------------------------
def mutated_text(root: Path, mutant: Mutant) -> str | bytes:
    """Return the full content of the mutated file (bytes for XML, text otherwise)."""
    kind = mutant.locator[0]
    path = root / mutant.path
    if kind == "xml":
        _, index, attribute, change = mutant.locator
        tree = etree.parse(str(path))
        element = list(tree.iter())[index]
        if attribute is None:
            element.text = apply_changes(element.text, change)
        else:
            element.set(attribute, apply_changes(element.get(attribute), change))
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    if kind == "json":
        _, json_path, value = mutant.locator
        data = json.loads(path.read_text(encoding="utf-8"))
        node = data
        for key in json_path[:-1]:
            node = node[key]
        node[json_path[-1]] = value
        return json.dumps(data, indent=2, ensure_ascii=False)
    if kind == "docx":
        _, start, end, new = mutant.locator
        return _replace_in_docx(path, start, end, new)
    _, start, end, new = mutant.locator
    source = path.read_text(encoding="utf-8")
    return source[:start] + new + source[end:]
