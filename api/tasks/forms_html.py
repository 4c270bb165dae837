"""Render a Camunda Form as accessible HTML with NL Design System (Utrecht) class names.

Every field is rendered; a conditionally hidden one carries ``data-hide`` (its FEEL) and
the ``hidden`` attribute as the server computes it for the current values, so the form
works without JavaScript (the server decides again on submit) and a small script may
toggle it. All text goes through markupsafe.escape.

For a new task pass ``values=default_values(form, case_data)``; after a refused submit
pass the submitted values and the errors, so the consultant's input is kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from markupsafe import Markup, escape

from engine.forms import Component, FormDefinition, form_data
from engine.forms.conditions import hidden_ids, is_feel, resolve
from engine.forms.submission import local_today

ID_PREFIX = "veld-"
REQUIRED_TEXT = "(verplicht)"
TEXT_LIKE = frozenset({"textfield", "textarea", "number", "datetime"})


def render_form_html(
    form: FormDefinition,
    *,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    context: Mapping[str, Any],
    now: datetime,
) -> Markup:
    """Return the form's fields as an HTML fragment (no <form> element, no buttons)."""
    data = form_data(form, values, context)
    view = _View(form, values, errors, context, data, now, hidden_ids(form, data, now=now))
    parts = [view.error_summary()] if errors else []
    parts.extend(view.component(c) for c in form.components)
    return Markup("\n").join(p for p in parts if p)


def field_id(key: str) -> str:
    """Return the HTML id of the input bound to key (the error summary links to it)."""
    return ID_PREFIX + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def _attrs(attributes: Mapping[str, Any]) -> Markup:
    """Return HTML attributes: True → bare attribute, None/False → left out, else escaped."""
    out = []
    for name, value in attributes.items():
        if value is None or value is False:
            continue
        out.append(Markup(" {}").format(name) if value is True else Markup(' {}="{}"').format(name, value))
    return Markup("").join(out)


class _View:
    """One rendering: the form, what to show in it and which components are hidden."""

    def __init__(self, form, values, errors, context, data, now, hidden) -> None:
        self.form, self.values, self.errors, self.context = form, values, errors, context
        self.data, self.now, self.hidden = data, now, hidden

    def text(self, value: Any) -> str:
        resolved = resolve(value, self.data, now=self.now, fallback="")
        return "" if resolved is None else str(resolved)

    def error_summary(self) -> Markup:
        items = []
        known = {component.key for component in self.form.fields}
        for key in self.errors:
            if key not in known:
                items.append(Markup('<li class="utrecht-unordered-list__item">{}</li>').format(self.errors[key]))
        for component in self.form.fields:
            if component.key in self.errors:
                suffix = "-0" if component.type in ("radio", "checklist", "taglist") else ""
                items.append(
                    Markup(
                        '<li class="utrecht-unordered-list__item">'
                        '<a class="utrecht-link" href="#{}{}">{}: {}</a></li>'
                    ).format(field_id(component.key), suffix, self.text(component.label) or component.key,
                            self.errors[component.key])
                )
        return Markup(
            '<div class="utrecht-alert utrecht-alert--error regie-error-summary" role="alert" tabindex="-1" '
            'aria-labelledby="regie-error-summary-title">'
            '<h2 class="utrecht-heading-2" id="regie-error-summary-title">Controleer deze velden</h2>'
            '<ul class="utrecht-unordered-list">{}</ul></div>'
        ).format(Markup("").join(items))

    def component(self, component: Component) -> Markup:
        kind = component.type
        if kind == "group":
            return self.wrap(component, self.group(component))
        if kind == "text":
            body = _markdown(self.text(component.raw.get("text", "")))
            text_html = Markup('<div class="utrecht-form-field regie-form-text">{}</div>').format(body)
            return self.wrap(component, text_html)
        if kind == "separator":
            return self.wrap(component, Markup('<hr class="utrecht-separator">'))
        if kind == "spacer":
            return self.wrap(component, Markup('<div class="regie-form-spacer" aria-hidden="true"></div>'))
        if component.is_input and component.key:
            return self.wrap(component, self.field(component))
        return Markup("")  # buttons: the web app renders its own

    def wrap(self, component: Component, html: Markup) -> Markup:
        if not component.hide:
            return html
        hidden = id(component) in self.hidden
        return Markup("<div{}>{}</div>").format(
            _attrs({"class": "regie-conditional", "data-hide": component.hide, "hidden": hidden}), html
        )

    def group(self, component: Component) -> Markup:
        children = Markup("\n").join(self.component(c) for c in component.children)
        label = self.text(component.raw.get("label", ""))
        if not label:
            return Markup('<div class="regie-form-group">{}</div>').format(children)
        return Markup(
            '<fieldset class="utrecht-form-fieldset utrecht-fieldset regie-form-group">'
            '<legend class="utrecht-form-fieldset__legend utrecht-form-label">{}</legend>{}</fieldset>'
        ).format(label, children)

    def field(self, component: Component) -> Markup:
        key = component.key
        ident = field_id(key)
        error = self.errors.get(key)
        description = self.text(component.raw.get("description", ""))
        described = [f"{ident}-description"] if description else []
        if error:
            described.append(f"{ident}-error")
        parts = {
            "label": self.label(component, ident),
            "description": Markup(
                '<div class="utrecht-form-field-description utrecht-form-field__description" '
                'id="{}-description">{}</div>'
            ).format(ident, description) if description else Markup(""),
            "error": Markup(
                '<div class="utrecht-form-field-error-message utrecht-form-field__error-message" '
                'id="{}-error">{}</div>'
            ).format(ident, error) if error else Markup(""),
        }
        readonly = self.flag(component, "readonly")
        common = {
            "aria-describedby": " ".join(described) or None,
            "aria-invalid": "true" if error else None,
            # a browser refuses to submit a form with a hidden, empty required input
            "required": component.required and id(component) not in self.hidden,
            "data-required": "true" if component.required and id(component) in self.hidden else None,
            # HTML readonly exists for text-like inputs only; choices become disabled instead
            "readonly": readonly and component.type in TEXT_LIKE,
            "disabled": self.flag(component, "disabled") or (readonly and component.type not in TEXT_LIKE),
        }
        classes = "utrecht-form-field utrecht-form-field--" + component.type + (
            " utrecht-form-field--invalid" if error else ""
        )
        if component.type in ("radio", "checklist", "taglist"):
            return self.choices(component, ident, classes, parts, common)
        if component.type == "checkbox":
            control = self.checkbox(component, ident, common)
            return Markup('<div class="{}">{}{}{}{}</div>').format(
                classes, parts["error"], control, parts["label"], parts["description"]
            )
        control = self.control(component, ident, common)
        return Markup('<div class="{}"><div class="utrecht-form-field__label">{}</div>{}{}{}</div>').format(
            classes, parts["label"], parts["description"], parts["error"], control
        )

    def flag(self, component: Component, name: str) -> bool:
        return resolve(component.raw.get(name, False), self.data, now=self.now, fallback=False) is True

    def label(self, component: Component, ident: str, *, tag: str = "label") -> Markup:
        text = self.text(component.label) or component.key
        marker = Markup(' <span class="regie-required">{}</span>').format(REQUIRED_TEXT) if component.required else ""
        if tag == "legend":
            return Markup(
                '<legend class="utrecht-form-fieldset__legend utrecht-form-label">{}{}</legend>'
            ).format(text, marker)
        return Markup('<label class="utrecht-form-label" for="{}">{}{}</label>').format(ident, text, marker)

    def value(self, key: str) -> Any:
        # a readonly field is not submitted back, so show the case's value when none is given
        return self.values[key] if key in self.values else self.context.get(key)

    def control(self, component: Component, ident: str, common: dict) -> Markup:
        key, kind, rules = component.key, component.type, component.validate
        value = self.value(key)
        invalid = " utrecht-textbox--invalid" if common["aria-invalid"] else ""
        attrs = {"id": ident, "name": key, **common}
        if kind == "textarea":
            attrs.update(minlength=rules.get("minLength"), maxlength=rules.get("maxLength"))
            return Markup(
                '<textarea class="utrecht-textarea utrecht-textarea--html-textarea{}"{}>{}</textarea>'
            ).format(invalid.replace("textbox", "textarea"), _attrs(_static(attrs)), _show(value))
        if kind == "select":
            return self.select(component, attrs, value)
        if kind == "number":
            attrs.update(type="number", min=rules.get("min"), max=rules.get("max"), step=_step(component))
            attrs["inputmode"] = "decimal"
        elif kind == "datetime":
            attrs.update(self.moment_attrs(component))
        else:
            validation = rules.get("validationType")
            attrs.update(
                type={"email": "email", "phone": "tel"}.get(validation, "text"),
                minlength=rules.get("minLength"),
                maxlength=rules.get("maxLength"),
                pattern=_html_pattern(rules.get("pattern")) if validation in (None, "", "custom") else None,
                autocomplete={"email": "email", "phone": "tel"}.get(validation),
            )
        attrs["value"] = _show(value)
        box = Markup('<input class="utrecht-textbox utrecht-textbox--html-input{}"{}>').format(
            invalid, _attrs(_static(attrs))
        )
        return Markup('<div class="utrecht-form-field__input">{}</div>').format(self.adorned(component, box))

    def adorned(self, component: Component, box: Markup) -> Markup:
        appearance = component.raw.get("appearance") or {}
        prefix, suffix = (self.text(appearance.get(n, "")) for n in ("prefixAdorner", "suffixAdorner"))
        if not prefix and not suffix:
            return box
        return Markup('{}{}{}').format(
            Markup('<span class="regie-affix regie-affix--prefix">{}</span>').format(prefix) if prefix else "",
            box,
            Markup('<span class="regie-affix regie-affix--suffix">{}</span>').format(suffix) if suffix else "",
        )

    def moment_attrs(self, component: Component) -> dict[str, Any]:
        subtype, rules = component.subtype, component.validate
        attrs: dict[str, Any] = {"type": {"time": "time", "datetime": "datetime-local"}.get(subtype, "date")}
        if subtype == "date":
            attrs["min"] = rules.get("min")
            attrs["max"] = rules.get("max")
            if component.raw.get("disallowPassedDates") is True:
                attrs["min"] = local_today(self.now).isoformat()
        interval = component.raw.get("timeInterval")
        if subtype != "date" and isinstance(interval, int):
            attrs["step"] = interval * 60
        return attrs

    def select(self, component: Component, attrs: dict, value: Any) -> Markup:
        invalid = " utrecht-select--invalid" if attrs.get("aria-invalid") else ""
        chosen = _show(value)
        options = [Markup('<option value=""{}>Kies een optie</option>').format(_attrs({"selected": chosen == ""}))]
        for label, option in component.options:
            options.append(
                Markup("<option{}>{}</option>").format(
                    _attrs({"value": str(option), "selected": str(option) == chosen}), self.text(label)
                )
            )
        return Markup(
            '<div class="utrecht-form-field__input">'
            '<select class="utrecht-select utrecht-select--html-select{}"{}>{}</select></div>'
        ).format(invalid, _attrs(attrs), Markup("").join(options))

    def checkbox(self, component: Component, ident: str, common: dict) -> Markup:
        value = self.value(component.key)
        checked = value is True or (isinstance(value, str) and value.lower() in ("on", "true", "1"))
        attrs = {"type": "checkbox", "id": ident, "name": component.key, "value": "on", "checked": checked, **common}
        return Markup('<input class="utrecht-checkbox utrecht-checkbox--html-input"{}>').format(_attrs(attrs))

    def choices(self, component: Component, ident: str, classes: str, parts: dict, common: dict) -> Markup:
        multi = component.type != "radio"
        value = self.value(component.key)
        chosen = {str(v) for v in value} if isinstance(value, (list, tuple, set)) else {_show(value)}
        items = []
        for index, (label, option) in enumerate(component.options):
            option_id = f"{ident}-{index}"
            attrs = {
                "type": "checkbox" if multi else "radio",
                "id": option_id,
                "name": component.key,
                "value": str(option),
                "checked": str(option) in chosen,
                "aria-invalid": common["aria-invalid"],
                "required": common["required"] and not multi,
                "data-required": common["data-required"] if index == 0 else None,
                "disabled": common["disabled"],
            }
            css = (
                "utrecht-checkbox utrecht-checkbox--html-input"
                if multi
                else "utrecht-radio-button utrecht-radio-button--html-input"
            )
            items.append(
                Markup(
                    '<div class="utrecht-form-field utrecht-form-field--{}"><input class="{}"{}>'
                    '<label class="utrecht-form-label utrecht-form-label--{}" for="{}">{}</label></div>'
                ).format("checkbox" if multi else "radio", css, _attrs(attrs), "checkbox" if multi else "radio",
                         option_id, self.text(label))
            )
        legend_attrs = {"class": "utrecht-form-fieldset utrecht-fieldset " + classes,
                        "aria-describedby": common["aria-describedby"], "id": ident}
        return Markup("<fieldset{}>{}{}{}{}</fieldset>").format(
            _attrs(legend_attrs), self.label(component, ident, tag="legend"), parts["description"],
            parts["error"], Markup("").join(items)
        )


def _static(attrs: dict[str, Any]) -> dict[str, Any]:
    """Drop FEEL bounds from HTML attributes: the server checks those on submit."""
    return {name: (None if is_feel(value) else value) for name, value in attrs.items()}


def _html_pattern(pattern: Any) -> str | None:
    """Return the pattern for HTML only when anchored: HTML matches whole values, form-js searches."""
    if isinstance(pattern, str) and pattern.startswith("^") and pattern.endswith("$"):
        return pattern
    return None


def _step(component: Component) -> str:
    increment = component.raw.get("increment")
    if increment not in (None, "") and not is_feel(increment):
        return str(increment)
    digits = component.raw.get("decimalDigits")
    if isinstance(digits, int) and not isinstance(digits, bool):
        return "1" if digits == 0 else "0." + "0" * (digits - 1) + "1"
    return "any"


def _show(value: Any) -> str:
    """Return a value as the text an input shows."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")


def _inline(text: str) -> Markup:
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(text))))


def _markdown(text: str) -> Markup:
    """Render minimal markdown: headings, paragraphs, **bold**, bullet and numbered lists."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if (heading := re.match(r"^(#{1,6})\s+(.*)$", lines[0])) and len(lines) > 1:
            # "### Title" with text on the next line (no blank line between): a heading, then the rest
            level = min(len(heading.group(1)) + 2, 6)
            blocks.append(Markup('<h{0} class="utrecht-heading-{0}">{1}</h{0}>').format(level, _inline(heading.group(2))))
            blocks.append(_markdown("\n".join(lines[1:])))
            continue
        if all(_LIST_ITEM.match(line) for line in lines):
            tag = "ol" if re.match(r"^\s*\d", lines[0]) else "ul"
            items = Markup("").join(
                Markup('<li class="utrecht-unordered-list__item">{}</li>').format(
                    _inline(_LIST_ITEM.match(line).group(1))
                )
                for line in lines
            )
            css = "utrecht-ordered-list" if tag == "ol" else "utrecht-unordered-list"
            blocks.append(Markup('<{0} class="{1}">{2}</{0}>').format(Markup(tag), css, items))
        elif (heading := re.match(r"^(#{1,6})\s+(.*)$", lines[0])) and len(lines) == 1:
            level = min(len(heading.group(1)) + 2, 6)
            heading_html = Markup('<h{0} class="utrecht-heading-{0}">{1}</h{0}>')
            blocks.append(heading_html.format(level, _inline(heading.group(2))))
        else:
            body = Markup("<br>").join(_inline(line) for line in lines)
            blocks.append(Markup('<p class="utrecht-paragraph">{}</p>').format(body))
    return Markup("").join(blocks)
