"""Schemathesis against a real server's /openapi.json: generated requests to every operation
never get a 5xx, and every error comes in the JSON envelope.

Operations are driven through their Hypothesis strategies rather than schemathesis's
`from_fixture`, whose pytest integration does not work with pytest 9 (it sets a node id
attribute pytest no longer has); each operation is a subtest.
"""

import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES_PER_OPERATION = 25


def test_generated_requests_never_get_a_server_error(live_server, demo_copy, subtests):
    url = live_server(demo_copy).url
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        with subtests.test(msg=f"{operation.method.upper()} {operation.path}"):
            _check_operation(operation, url)


def _check_operation(operation, url: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        response = case.call(base_url=url, timeout=120)
        described = f"{case.method} {case.formatted_path}: {response.status_code}"
        assert response.status_code < 500, f"{described} {response.text[:500]}"
        if response.status_code >= 400:
            error = response.json()["error"]
            assert error["code"] and error["message"], described

    check()
