from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.new_report import NewReport
from ...models.report import Report
from ...types import UNSET, Response, Unset


def _get_kwargs(
    post_id: str,
    *,
    body: NewReport | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/community/posts/{post_id}/reports".format(
            post_id=quote(str(post_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Report | None:
    if response.status_code == 200:
        response_200 = Report.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Report.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

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
) -> Response[Error | Report]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    post_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: NewReport | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Report]:
    """Report a post (once per user); past a threshold of reports the post is hidden.

    Args:
        post_id (str):
        idempotency_key (str | Unset):
        body (NewReport | Unset):  Example: {'reason': 'spam'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Report]
    """

    kwargs = _get_kwargs(
        post_id=post_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    post_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: NewReport | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Error | Report | None:
    """Report a post (once per user); past a threshold of reports the post is hidden.

    Args:
        post_id (str):
        idempotency_key (str | Unset):
        body (NewReport | Unset):  Example: {'reason': 'spam'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Report
    """

    return sync_detailed(
        post_id=post_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    post_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: NewReport | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Report]:
    """Report a post (once per user); past a threshold of reports the post is hidden.

    Args:
        post_id (str):
        idempotency_key (str | Unset):
        body (NewReport | Unset):  Example: {'reason': 'spam'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Report]
    """

    kwargs = _get_kwargs(
        post_id=post_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    post_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: NewReport | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Error | Report | None:
    """Report a post (once per user); past a threshold of reports the post is hidden.

    Args:
        post_id (str):
        idempotency_key (str | Unset):
        body (NewReport | Unset):  Example: {'reason': 'spam'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Report
    """

    return (
        await asyncio_detailed(
            post_id=post_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
