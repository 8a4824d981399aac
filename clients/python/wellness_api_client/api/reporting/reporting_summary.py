from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.report_summary import ReportSummary
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/me/reports/summary",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ReportSummary | None:
    if response.status_code == 200:
        response_200 = ReportSummary.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ReportSummary]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | ReportSummary]:
    """The caller's streaks, totals and average moods.

     Streaks count consecutive local days with a completed task; the current one still holds today until
    the day ends. Days are in the caller's time zone (the newest the reporting domain has heard of; UTC
    when none). Fed by events: a completion shows here within seconds.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReportSummary]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> Error | ReportSummary | None:
    """The caller's streaks, totals and average moods.

     Streaks count consecutive local days with a completed task; the current one still holds today until
    the day ends. Days are in the caller's time zone (the newest the reporting domain has heard of; UTC
    when none). Fed by events: a completion shows here within seconds.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReportSummary
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | ReportSummary]:
    """The caller's streaks, totals and average moods.

     Streaks count consecutive local days with a completed task; the current one still holds today until
    the day ends. Days are in the caller's time zone (the newest the reporting domain has heard of; UTC
    when none). Fed by events: a completion shows here within seconds.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReportSummary]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> Error | ReportSummary | None:
    """The caller's streaks, totals and average moods.

     Streaks count consecutive local days with a completed task; the current one still holds today until
    the day ends. Days are in the caller's time zone (the newest the reporting domain has heard of; UTC
    when none). Fed by events: a completion shows here within seconds.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReportSummary
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
