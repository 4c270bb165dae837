"""Camunda Forms (form-js JSON, ``forms/*.form``): parse, refuse at deploy, check submissions.

A user task names its form with ``camunda:formRef`` = the form's ``id``. Process analysts
edit the forms in Camunda Modeler; Regie runs the subset below and refuses anything else
at deploy time (:func:`validate_form_definition`), naming the file, the component id and
the reason, so a form never silently behaves differently from what the analyst drew.

Supported component types
    textfield, textarea, number, datetime (subtype date, time, datetime), select, radio,
    checkbox, checklist, taglist (handled as a checklist), text (markdown: paragraphs,
    **bold**, lists), group (a fieldset; conditions on a group hide all its fields),
    spacer and separator (layout only), button with action submit (ignored: the web app
    shows its own buttons).

Supported properties
    id, key (one flat case-variable name, no dotted paths), label, description,
    defaultValue (literal or ``=`` FEEL), validate {required, min, max, minLength,
    maxLength, pattern (searched, as form-js does), validationType email|phone|custom;
    phone takes Dutch and international numbers: 8-15 digits, optional + or 00, spaces,
    dashes and brackets allowed}, values [{label, value}]
    (static options only), conditional.hide (FEEL), readonly and disabled (true/false or
    FEEL), appearance {prefixAdorner, suffixAdorner}, decimalDigits, increment and
    serializeToString (number), subtype, dateLabel, timeLabel, use24h, timeInterval,
    disallowPassedDates and timeSerializingFormat (datetime; times are kept as entered,
    Dutch local time), searchable (select), showOutline and verticalAlignment (group),
    height (spacer); layout and properties are ignored. On a date field validate.min and
    validate.max may hold a date YYYY-MM-DD or FEEL. min/max/minLength/maxLength may be
    FEEL (``=...``), evaluated against the case data at submission.

Refused
    dynamiclist, iframe, html, image, table, filepicker, documentPreview, expression,
    multipage/page, unknown types; valuesKey, valuesExpression, group path, dotted keys,
    ``{{ }}`` templating in text, reset buttons, any property not listed above; FEEL that
    does not parse; duplicate keys or ids; choice fields without options.

Semantics (as form-js)
    A condition hides only when it gives true (an error or null shows the field). Hidden,
    readonly and disabled fields are left out of the submitted values, so a hidden
    required field is not required. Labels, descriptions and text starting with ``=`` are
    FEEL, evaluated against the case data when shown. Typed values: number → int or
    Decimal (str with serializeToString), date → datetime.date, time → datetime.time,
    datetime → datetime.datetime, checkbox → bool, checklist → list, empty → None;
    :func:`as_case_data` turns dates and times into the ISO text case data uses.
    FEEL runs through :mod:`engine.expressions`; nothing is passed to Python eval.
"""

from .model import Component, Field, FormDefinition, FormError, FormProblem, parse_form
from .submission import (
    as_case_data,
    default_values,
    form_data,
    is_editable,
    validate_submission,
    visible_fields,
)
from .validation import validate_form_definition

__all__ = [
    "as_case_data",
    "Component",
    "Field",
    "FormDefinition",
    "FormError",
    "FormProblem",
    "default_values",
    "form_data",
    "is_editable",
    "load_form",
    "parse_form",
    "validate_form_definition",
    "validate_submission",
    "visible_fields",
]


def load_form(source: bytes | str, *, filename: str = "") -> FormDefinition:
    """Parse and validate a form; raise FormError with every problem when it is refused."""
    form = parse_form(source, filename=filename)
    problems = validate_form_definition(form, filename=filename)
    if problems:
        raise FormError(problems)
    return form
