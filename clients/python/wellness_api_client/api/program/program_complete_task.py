from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.completion import Completion
from ...models.completion_request import CompletionRequest
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    task_id: str,
    *,
    body: CompletionRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/tasks/{task_id}/completions".format(
            task_id=quote(str(task_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Completion | Error | None:
    if response.status_code == 200:
        response_200 = Completion.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Completion.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Completion | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    task_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompletionRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Completion | Error]:
    """Mark a task done for a day (idempotent).

     `date` defaults to today in the caller's time zone (the most recent one the program domain knows;
    UTC when none). 201 the first time; 200 with the same body when repeated. The task must be due on
    that day for one of the caller's enrollments, and the day not in the future (409 `task_not_due`,
    `not_enrolled`). Publishes `task.completed`.

    Args:
        task_id (str):
        idempotency_key (str | Unset):
        body (CompletionRequest | Unset):  Example: {}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Completion | Error]
    """

    kwargs = _get_kwargs(
        task_id=task_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    task_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompletionRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Completion | Error | None:
    """Mark a task done for a day (idempotent).

     `date` defaults to today in the caller's time zone (the most recent one the program domain knows;
    UTC when none). 201 the first time; 200 with the same body when repeated. The task must be due on
    that day for one of the caller's enrollments, and the day not in the future (409 `task_not_due`,
    `not_enrolled`). Publishes `task.completed`.

    Args:
        task_id (str):
        idempotency_key (str | Unset):
        body (CompletionRequest | Unset):  Example: {}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Completion | Error
    """

    return sync_detailed(
        task_id=task_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    task_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompletionRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Completion | Error]:
    """Mark a task done for a day (idempotent).

     `date` defaults to today in the caller's time zone (the most recent one the program domain knows;
    UTC when none). 201 the first time; 200 with the same body when repeated. The task must be due on
    that day for one of the caller's enrollments, and the day not in the future (409 `task_not_due`,
    `not_enrolled`). Publishes `task.completed`.

    Args:
        task_id (str):
        idempotency_key (str | Unset):
        body (CompletionRequest | Unset):  Example: {}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Completion | Error]
    """

    kwargs = _get_kwargs(
        task_id=task_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    task_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompletionRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Completion | Error | None:
    """Mark a task done for a day (idempotent).

     `date` defaults to today in the caller's time zone (the most recent one the program domain knows;
    UTC when none). 201 the first time; 200 with the same body when repeated. The task must be due on
    that day for one of the caller's enrollments, and the day not in the future (409 `task_not_due`,
    `not_enrolled`). Publishes `task.completed`.

    Args:
        task_id (str):
        idempotency_key (str | Unset):
        body (CompletionRequest | Unset):  Example: {}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Completion | Error
    """

    return (
        await asyncio_detailed(
            task_id=task_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
