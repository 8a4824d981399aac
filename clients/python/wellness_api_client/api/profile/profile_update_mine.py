from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.profile import Profile
from ...models.profile_patch import ProfilePatch
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ProfilePatch,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/me/profile",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Profile | None:
    if response.status_code == 200:
        response_200 = Profile.from_dict(response.json())

        return response_200

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

    if response.status_code == 412:
        response_412 = Error.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | Profile]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ProfilePatch,
    if_match: str | Unset = UNSET,
) -> Response[Error | Profile]:
    """Change fields of the caller's own profile.

     Send the `ETag` of the profile as last read in `If-Match`: when another device changed the profile
    since, the answer is 412 and nothing changes (read it again, then retry). Without `If-Match` the
    change applies to whatever is current.

    Args:
        if_match (str | Unset):
        body (ProfilePatch):  Example: {'bio': 'Morning runner', 'timezone': 'Europe/Paris'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Profile]
    """

    kwargs = _get_kwargs(
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ProfilePatch,
    if_match: str | Unset = UNSET,
) -> Error | Profile | None:
    """Change fields of the caller's own profile.

     Send the `ETag` of the profile as last read in `If-Match`: when another device changed the profile
    since, the answer is 412 and nothing changes (read it again, then retry). Without `If-Match` the
    change applies to whatever is current.

    Args:
        if_match (str | Unset):
        body (ProfilePatch):  Example: {'bio': 'Morning runner', 'timezone': 'Europe/Paris'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Profile
    """

    return sync_detailed(
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ProfilePatch,
    if_match: str | Unset = UNSET,
) -> Response[Error | Profile]:
    """Change fields of the caller's own profile.

     Send the `ETag` of the profile as last read in `If-Match`: when another device changed the profile
    since, the answer is 412 and nothing changes (read it again, then retry). Without `If-Match` the
    change applies to whatever is current.

    Args:
        if_match (str | Unset):
        body (ProfilePatch):  Example: {'bio': 'Morning runner', 'timezone': 'Europe/Paris'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Profile]
    """

    kwargs = _get_kwargs(
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ProfilePatch,
    if_match: str | Unset = UNSET,
) -> Error | Profile | None:
    """Change fields of the caller's own profile.

     Send the `ETag` of the profile as last read in `If-Match`: when another device changed the profile
    since, the answer is 412 and nothing changes (read it again, then retry). Without `If-Match` the
    change applies to whatever is current.

    Args:
        if_match (str | Unset):
        body (ProfilePatch):  Example: {'bio': 'Morning runner', 'timezone': 'Europe/Paris'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Profile
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
