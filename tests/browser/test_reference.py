"""The API reference in a real browser: every operation of the contract, and "Try it" as a signed-in user."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import CONTRACTS_DIR
from devstack.console.reference import reference_spec, static_page
from devstack.stack import accounts
from wellness.platform.operations import document_operations
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.e2e


def contract_operations() -> list[tuple[str, str]]:
    """(tag, operationId) of every operation in contracts/openapi.yaml, tagged as the reference tags them."""
    contract = read_yaml(CONTRACTS_DIR / "openapi.yaml")
    tags = {op.operation_id: op.spec["tags"][0] for op in document_operations(reference_spec(base_url=None))}
    return [(tags[op.operation_id], op.operation_id) for op in document_operations(contract)]


def assert_every_operation_listed(page: Any) -> None:
    page.wait_for_selector(".opblock")
    operations = contract_operations()
    missing = [op for tag, op in operations if page.locator(f"#operations-{tag}-{op}").count() != 1]
    assert not missing, f"the reference does not list {missing}"
    assert page.locator(".opblock").count() == len(operations)


def open_operation(operation: Any) -> None:
    """Expand an operation and wait for its body. Not waiting on the click itself: deep linking
    moves the URL's fragment, and Playwright would wait for that "navigation" too."""
    operation.locator(".opblock-summary").click(no_wait_after=True)
    operation.locator(".opblock-body").wait_for()


def test_the_reference_lists_every_operation_of_the_contract(page: Any, console_url: str) -> None:
    page.goto(f"{console_url}/reference")
    assert_every_operation_listed(page)
    # The contract's examples are shown: the sign-up body's example value.
    open_operation(page.locator("#operations-auth-authSignup"))
    assert "correct horse battery" in page.locator("#operations-auth-authSignup .body-param__example").inner_text()


def test_the_static_reference_renders_offline(page: Any, tmp_path: Path) -> None:
    out = tmp_path / "api-reference.html"
    out.write_text(static_page("https://gateway.example.test"))
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto(out.as_uri())
    assert_every_operation_listed(page)
    assert "gateway.example.test" in page.locator(".base-url").inner_text()
    assert fetched == [], f"the static page fetched {fetched}"
    open_operation(page.locator("#operations-profile-profileGetMine"))
    assert page.locator("#operations-profile-profileGetMine .try-out__btn").count() == 0  # no Try it without CORS


def test_signing_in_and_trying_get_me_profile_shows_the_profile(page: Any, console_url: str, local_stack: Any) -> None:
    email, password = f"browser-{uuid.uuid4().hex[:10]}@example.com", "correct horse battery"
    name = f"Browser {uuid.uuid4().hex[:6]}"
    gateway = local_stack.gateway_url
    account = accounts.sign_up(gateway, email=email, password=password, display_name=name, timezone="Asia/Tokyo")
    accounts.wait_for_profile(gateway, account.session.access_token)  # made from user.created

    page.goto(f"{console_url}/reference")
    page.fill("#sign-in input[name=email]", email)
    page.fill("#sign-in input[name=password]", password)
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector("#sign-in-status.ok:has-text('signed in as')")
    assert email in page.locator("#sign-in-status").inner_text()

    operation = page.locator("#operations-profile-profileGetMine")
    open_operation(operation)
    operation.locator(".try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    body = operation.locator(".live-responses-table .response-col_description .microlight").first.inner_text()
    assert name in body and "Asia/Tokyo" in body
    # The curl line names the gateway itself, not the console's pass-through.
    assert f"{gateway}/v1/me/profile" in operation.locator(".curl-command").inner_text()
