import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.day_tasks import DayTasks
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    date: datetime.date | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_date: str | Unset = UNSET
    if not isinstance(date, Unset):
        json_date = date.isoformat()
    params["date"] = json_date

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/me/tasks",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DayTasks | Error | None:
    if response.status_code == 200:
        response_200 = DayTasks.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

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
) -> Response[DayTasks | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    date: datetime.date | Unset = UNSET,
) -> Response[DayTasks | Error]:
    """The tasks due on a day for each of the caller's enrollments, with their completion.

     `date` defaults to today in the caller's time zone: the most recent one the program domain has heard
    of (from sign-up or a profile change), UTC when it knows none yet. A day's tasks are few (one per
    enrollment), so the answer is not paged.

    Args:
        date (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DayTasks | Error]
    """

    kwargs = _get_kwargs(
        date=date,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    date: datetime.date | Unset = UNSET,
) -> DayTasks | Error | None:
    """The tasks due on a day for each of the caller's enrollments, with their completion.

     `date` defaults to today in the caller's time zone: the most recent one the program domain has heard
    of (from sign-up or a profile change), UTC when it knows none yet. A day's tasks are few (one per
    enrollment), so the answer is not paged.

    Args:
        date (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DayTasks | Error
    """

    return sync_detailed(
        client=client,
        date=date,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    date: datetime.date | Unset = UNSET,
) -> Response[DayTasks | Error]:
    """The tasks due on a day for each of the caller's enrollments, with their completion.

     `date` defaults to today in the caller's time zone: the most recent one the program domain has heard
    of (from sign-up or a profile change), UTC when it knows none yet. A day's tasks are few (one per
    enrollment), so the answer is not paged.

    Args:
        date (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DayTasks | Error]
    """

    kwargs = _get_kwargs(
        date=date,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    date: datetime.date | Unset = UNSET,
) -> DayTasks | Error | None:
    """The tasks due on a day for each of the caller's enrollments, with their completion.

     `date` defaults to today in the caller's time zone: the most recent one the program domain has heard
    of (from sign-up or a profile change), UTC when it knows none yet. A day's tasks are few (one per
    enrollment), so the answer is not paged.

    Args:
        date (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DayTasks | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            date=date,
        )
    ).parsed
