"""GET /v1/me/export: everything the service holds about the caller, from every domain, as one JSON document."""

from wellness.auth.export import account_export
from wellness.community.public import user_export as community
from wellness.notifications.public import user_export as notifications
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.profile.public import user_export as profile
from wellness.program.public import user_export as program
from wellness.reflection.public import user_export as reflection
from wellness.reporting.public import user_export as reporting

runtime = function_runtime("postgres", "firestore")
# Every domain that keeps anything of a user, each read by its own public module (the erasure scan's
# consistency test, tests/e2e/test_erasure_scan.py, fails when a store holds something none of them exports).
parts = {"profile": profile, "program": program, "reflection": reflection, "community": community}
parts |= {"reporting": reporting, "notifications": notifications}
export = account_export(runtime, {domain: part(runtime) for domain, part in parts.items()})


@endpoint("authExportMe", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, export.export(request.user_id))
