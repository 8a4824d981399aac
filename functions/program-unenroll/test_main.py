"""program-unenroll: leaving a program, once."""

import uuid

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_leave_a_program_then_it_is_404(load_function, programs) -> None:
    client = load_function("program-unenroll")
    user = str(uuid.uuid4())
    programs.enroll(user, "sleep-10")
    headers = userinfo_header({"sub": user})
    assert client.delete("/v1/programs/sleep-10/enrollments/me", headers=headers).status_code == 204
    second = client.delete("/v1/programs/sleep-10/enrollments/me", headers=headers)
    assert second.status_code == 404 and second.get_json()["error"]["code"] == "enrollment_not_found"
