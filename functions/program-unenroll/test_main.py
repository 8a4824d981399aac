"""program-unenroll: leaving a program, once."""

import uuid

import pytest
from sqlalchemy import create_engine

from wellness.identity import userinfo_header
from wellness.postgres import UnitOfWork
from wellness.program.service import ProgramService

pytestmark = pytest.mark.functional


def test_leave_a_program_then_it_is_404(load_function, postgres_url) -> None:
    client = load_function("program-unenroll")
    user = str(uuid.uuid4())
    engine = create_engine(postgres_url)
    ProgramService(lambda: UnitOfWork(engine)).enroll(user, "sleep-10")
    engine.dispose()
    headers = userinfo_header({"sub": user})
    assert client.delete("/v1/programs/sleep-10/enrollments/me", headers=headers).status_code == 204
    second = client.delete("/v1/programs/sleep-10/enrollments/me", headers=headers)
    assert second.status_code == 404 and second.get_json()["error"]["code"] == "enrollment_not_found"
