"""Build small DMN decision tables in XML for tests."""

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def table(
    hit_policy: str = "UNIQUE",
    rules: list[tuple[str, list[str], list[str]]] = (),
    *,
    inputs: list[str] = ("x",),
    outputs: list[str] = ("out",),
    output_values: list[str | None] | None = None,
    input_values: list[str | None] | None = None,
    defaults: list[str | None] | None = None,
    aggregation: str | None = None,
    namespace: str = DMN13,
) -> str:
    """Return DMN XML with one decision 'd' whose table has the given rules."""
    aggregation_attr = f' aggregation="{aggregation}"' if aggregation else ""
    parts = [
        f'<definitions xmlns="{namespace}" id="defs" name="test" namespace="http://regie/test">',
        f'<decision id="d" name="Beslissing"><decisionTable id="table" hitPolicy="{hit_policy}"{aggregation_attr}>',
    ]
    for index, expression in enumerate(inputs):
        allowed = (input_values or [None] * len(inputs))[index]
        allowed_xml = f"<inputValues><text>{_esc(allowed)}</text></inputValues>" if allowed else ""
        parts.append(
            f'<input id="in{index}" label="{expression}"><inputExpression id="ie{index}">'
            f"<text>{_esc(expression)}</text></inputExpression>{allowed_xml}</input>"
        )
    for index, name in enumerate(outputs):
        allowed = (output_values or [None] * len(outputs))[index]
        default = (defaults or [None] * len(outputs))[index]
        inner = f"<outputValues><text>{_esc(allowed)}</text></outputValues>" if allowed else ""
        inner += f"<defaultOutputEntry><text>{_esc(default)}</text></defaultOutputEntry>" if default else ""
        parts.append(f'<output id="out{index}" name="{name}">{inner}</output>')
    for rule_id, entries, results in rules:
        parts.append(f'<rule id="{rule_id}">')
        parts += [f'<inputEntry id="{rule_id}_i{i}"><text>{_esc(e)}</text></inputEntry>' for i, e in enumerate(entries)]
        parts += [f'<outputEntry id="{rule_id}_o{i}"><text>{_esc(r)}</text></outputEntry>' for i, r in enumerate(results)]
        parts.append("</rule>")
    parts.append("</decisionTable></decision></definitions>")
    return "".join(parts)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
