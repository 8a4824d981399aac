from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.password_reset_confirm import PasswordResetConfirm
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: PasswordResetConfirm,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/password-reset/confirm",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

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
) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PasswordResetConfirm,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Error]:
    """Set a new password with the token from the mailed link; every session of the account ends.

    Args:
        idempotency_key (str | Unset):
        body (PasswordResetConfirm):  Example: {'newPassword': 'a new correct horse', 'token':
            '6f1c0e8a2d3b4c5d9e7f1a2b3c4d5e6f.Zm9vYmFyYmF6cXV4'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: PasswordResetConfirm,
    idempotency_key: str | Unset = UNSET,
) -> Any | Error | None:
    """Set a new password with the token from the mailed link; every session of the account ends.

    Args:
        idempotency_key (str | Unset):
        body (PasswordResetConfirm):  Example: {'newPassword': 'a new correct horse', 'token':
            '6f1c0e8a2d3b4c5d9e7f1a2b3c4d5e6f.Zm9vYmFyYmF6cXV4'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PasswordResetConfirm,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Error]:
    """Set a new password with the token from the mailed link; every session of the account ends.

    Args:
        idempotency_key (str | Unset):
        body (PasswordResetConfirm):  Example: {'newPassword': 'a new correct horse', 'token':
            '6f1c0e8a2d3b4c5d9e7f1a2b3c4d5e6f.Zm9vYmFyYmF6cXV4'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PasswordResetConfirm,
    idempotency_key: str | Unset = UNSET,
) -> Any | Error | None:
    """Set a new password with the token from the mailed link; every session of the account ends.

    Args:
        idempotency_key (str | Unset):
        body (PasswordResetConfirm):  Example: {'newPassword': 'a new correct horse', 'token':
            '6f1c0e8a2d3b4c5d9e7f1a2b3c4d5e6f.Zm9vYmFyYmF6cXV4'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
