from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.exported_comment import ExportedComment
    from ..models.exported_post import ExportedPost
    from ..models.exported_rate_limit_slot import ExportedRateLimitSlot
    from ..models.exported_reaction import ExportedReaction
    from ..models.exported_report import ExportedReport


T = TypeVar("T", bound="AccountExportCommunity")


@_attrs_define
class AccountExportCommunity:
    """
    Attributes:
        comments (list[ExportedComment]):
        posts (list[ExportedPost]):
        rate_limit_slots (list[ExportedRateLimitSlot]):
        reactions (list[ExportedReaction]):
        reports (list[ExportedReport]):
    """

    comments: list[ExportedComment]
    posts: list[ExportedPost]
    rate_limit_slots: list[ExportedRateLimitSlot]
    reactions: list[ExportedReaction]
    reports: list[ExportedReport]

    def to_dict(self) -> dict[str, Any]:
        comments = []
        for comments_item_data in self.comments:
            comments_item = comments_item_data.to_dict()
            comments.append(comments_item)

        posts = []
        for posts_item_data in self.posts:
            posts_item = posts_item_data.to_dict()
            posts.append(posts_item)

        rate_limit_slots = []
        for rate_limit_slots_item_data in self.rate_limit_slots:
            rate_limit_slots_item = rate_limit_slots_item_data.to_dict()
            rate_limit_slots.append(rate_limit_slots_item)

        reactions = []
        for reactions_item_data in self.reactions:
            reactions_item = reactions_item_data.to_dict()
            reactions.append(reactions_item)

        reports = []
        for reports_item_data in self.reports:
            reports_item = reports_item_data.to_dict()
            reports.append(reports_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "comments": comments,
                "posts": posts,
                "rateLimitSlots": rate_limit_slots,
                "reactions": reactions,
                "reports": reports,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exported_comment import ExportedComment  # noqa: PLC0415
        from ..models.exported_post import ExportedPost  # noqa: PLC0415
        from ..models.exported_rate_limit_slot import ExportedRateLimitSlot  # noqa: PLC0415
        from ..models.exported_reaction import ExportedReaction  # noqa: PLC0415
        from ..models.exported_report import ExportedReport  # noqa: PLC0415

        d = dict(src_dict)
        comments = []
        _comments = d.pop("comments")
        for comments_item_data in _comments:
            comments_item = ExportedComment.from_dict(comments_item_data)

            comments.append(comments_item)

        posts = []
        _posts = d.pop("posts")
        for posts_item_data in _posts:
            posts_item = ExportedPost.from_dict(posts_item_data)

            posts.append(posts_item)

        rate_limit_slots = []
        _rate_limit_slots = d.pop("rateLimitSlots")
        for rate_limit_slots_item_data in _rate_limit_slots:
            rate_limit_slots_item = ExportedRateLimitSlot.from_dict(
                rate_limit_slots_item_data
            )

            rate_limit_slots.append(rate_limit_slots_item)

        reactions = []
        _reactions = d.pop("reactions")
        for reactions_item_data in _reactions:
            reactions_item = ExportedReaction.from_dict(reactions_item_data)

            reactions.append(reactions_item)

        reports = []
        _reports = d.pop("reports")
        for reports_item_data in _reports:
            reports_item = ExportedReport.from_dict(reports_item_data)

            reports.append(reports_item)

        account_export_community = cls(
            comments=comments,
            posts=posts,
            rate_limit_slots=rate_limit_slots,
            reactions=reactions,
            reports=reports,
        )

        return account_export_community
