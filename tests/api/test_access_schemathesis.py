"""The published OpenAPI is the API: schemathesis against /api/openapi.json with a logged-in
teamleider: no server errors and no response that breaks the schema, over a bounded run."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import start_case

MAX_EXAMPLES = 8


def test_the_api_keeps_its_published_schema(app, runtime, login):
    start_case(runtime)
    tess = login("tess")
    cookies = dict(tess.client.cookies)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures = []
    for operation in schema.get_all_operations():
        op = operation.ok()

        @hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck), derandomize=True,
                             phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
        @hypothesis.given(case=op.as_strategy())
        def run(case):
            response = case.call(headers={"X-CSRF-Token": tess.csrf}, cookies=cookies)
            problems = []
            if response.status_code >= 500:
                problems.append(f"{response.status_code}")
            else:
                try:
                    case.validate_response(response, checks=[response_schema_conformance])
                except BaseException as exc:  # noqa: BLE001 - schemathesis raises a group of failures
                    problems.append(str(exc).splitlines()[0][:200])
            if problems:
                failures.append(f"{op.method.upper()} {op.path}: {problems[0]}")

        run()
    assert not failures, "\n".join(sorted(set(failures))[:20])
