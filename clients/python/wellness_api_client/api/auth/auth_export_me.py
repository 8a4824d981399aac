from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account_export import AccountExport
from ...models.error import Error
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/me/export",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccountExport | Error | None:
    if response.status_code == 200:
        response_200 = AccountExport.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AccountExport | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[AccountExport | Error]:
    """Everything the service holds about the caller, from every domain, as one JSON document.

     The data subject's copy of their data (access and portability): the account, its sessions and links,
    the profile, enrollments and completions, reflections, posts, comments, reactions and reports made,
    the facts behind the reports and the record of mails sent, each as stored. Never a password's or a
    refresh token's hash. Each section holds at most EXPORT_MAX_RECORDS records and the document at most
    EXPORT_MAX_BYTES bytes: beyond either the answer is 413 export_too_large.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountExport | Error]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> AccountExport | Error | None:
    """Everything the service holds about the caller, from every domain, as one JSON document.

     The data subject's copy of their data (access and portability): the account, its sessions and links,
    the profile, enrollments and completions, reflections, posts, comments, reactions and reports made,
    the facts behind the reports and the record of mails sent, each as stored. Never a password's or a
    refresh token's hash. Each section holds at most EXPORT_MAX_RECORDS records and the document at most
    EXPORT_MAX_BYTES bytes: beyond either the answer is 413 export_too_large.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountExport | Error
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[AccountExport | Error]:
    """Everything the service holds about the caller, from every domain, as one JSON document.

     The data subject's copy of their data (access and portability): the account, its sessions and links,
    the profile, enrollments and completions, reflections, posts, comments, reactions and reports made,
    the facts behind the reports and the record of mails sent, each as stored. Never a password's or a
    refresh token's hash. Each section holds at most EXPORT_MAX_RECORDS records and the document at most
    EXPORT_MAX_BYTES bytes: beyond either the answer is 413 export_too_large.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountExport | Error]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> AccountExport | Error | None:
    """Everything the service holds about the caller, from every domain, as one JSON document.

     The data subject's copy of their data (access and portability): the account, its sessions and links,
    the profile, enrollments and completions, reflections, posts, comments, reactions and reports made,
    the facts behind the reports and the record of mails sent, each as stored. Never a password's or a
    refresh token's hash. Each section holds at most EXPORT_MAX_RECORDS records and the document at most
    EXPORT_MAX_BYTES bytes: beyond either the answer is 413 export_too_large.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountExport | Error
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
