"""Contains all the data models used in inputs/outputs"""

from .account_export import AccountExport
from .account_export_auth import AccountExportAuth
from .account_export_community import AccountExportCommunity
from .account_export_notifications import AccountExportNotifications
from .account_export_profile import AccountExportProfile
from .account_export_program import AccountExportProgram
from .account_export_reflection import AccountExportReflection
from .account_export_reporting import AccountExportReporting
from .comment import Comment
from .comment_page import CommentPage
from .completion import Completion
from .completion_request import CompletionRequest
from .daily_report import DailyReport
from .daily_report_page import DailyReportPage
from .day_task import DayTask
from .day_tasks import DayTasks
from .email_verification_confirm import EmailVerificationConfirm
from .enrollment import Enrollment
from .enrollment_page import EnrollmentPage
from .error import Error
from .error_error import ErrorError
from .error_error_details_item import ErrorErrorDetailsItem
from .exported_account import ExportedAccount
from .exported_comment import ExportedComment
from .exported_completion import ExportedCompletion
from .exported_enrollment import ExportedEnrollment
from .exported_link import ExportedLink
from .exported_post import ExportedPost
from .exported_profile_type_0 import ExportedProfileType0
from .exported_rate_limit_slot import ExportedRateLimitSlot
from .exported_reaction import ExportedReaction
from .exported_recorded_completion import ExportedRecordedCompletion
from .exported_recorded_reflection import ExportedRecordedReflection
from .exported_reflection import ExportedReflection
from .exported_refresh_token import ExportedRefreshToken
from .exported_report import ExportedReport
from .exported_sent_mail import ExportedSentMail
from .exported_timezone_type_0 import ExportedTimezoneType0
from .jwks import Jwks
from .jwks_keys_item import JwksKeysItem
from .login_request import LoginRequest
from .new_comment import NewComment
from .new_post import NewPost
from .new_reflection import NewReflection
from .new_report import NewReport
from .password_reset_confirm import PasswordResetConfirm
from .password_reset_request import PasswordResetRequest
from .post import Post
from .post_page import PostPage
from .profile import Profile
from .profile_patch import ProfilePatch
from .program import Program
from .program_detail import ProgramDetail
from .program_page import ProgramPage
from .program_task import ProgramTask
from .public_profile import PublicProfile
from .reaction_state import ReactionState
from .reflection import Reflection
from .reflection_page import ReflectionPage
from .refresh_request import RefreshRequest
from .report import Report
from .report_summary import ReportSummary
from .session import Session
from .session_token_type import SessionTokenType
from .signup_request import SignupRequest
from .user import User

__all__ = (
    "AccountExport",
    "AccountExportAuth",
    "AccountExportCommunity",
    "AccountExportNotifications",
    "AccountExportProfile",
    "AccountExportProgram",
    "AccountExportReflection",
    "AccountExportReporting",
    "Comment",
    "CommentPage",
    "Completion",
    "CompletionRequest",
    "DailyReport",
    "DailyReportPage",
    "DayTask",
    "DayTasks",
    "EmailVerificationConfirm",
    "Enrollment",
    "EnrollmentPage",
    "Error",
    "ErrorError",
    "ErrorErrorDetailsItem",
    "ExportedAccount",
    "ExportedComment",
    "ExportedCompletion",
    "ExportedEnrollment",
    "ExportedLink",
    "ExportedPost",
    "ExportedProfileType0",
    "ExportedRateLimitSlot",
    "ExportedReaction",
    "ExportedRecordedCompletion",
    "ExportedRecordedReflection",
    "ExportedReflection",
    "ExportedRefreshToken",
    "ExportedReport",
    "ExportedSentMail",
    "ExportedTimezoneType0",
    "Jwks",
    "JwksKeysItem",
    "LoginRequest",
    "NewComment",
    "NewPost",
    "NewReflection",
    "NewReport",
    "PasswordResetConfirm",
    "PasswordResetRequest",
    "Post",
    "PostPage",
    "Profile",
    "ProfilePatch",
    "Program",
    "ProgramDetail",
    "ProgramPage",
    "ProgramTask",
    "PublicProfile",
    "ReactionState",
    "Reflection",
    "ReflectionPage",
    "RefreshRequest",
    "Report",
    "ReportSummary",
    "Session",
    "SessionTokenType",
    "SignupRequest",
    "User",
)
