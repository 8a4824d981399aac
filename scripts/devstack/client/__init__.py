"""The API's one client, generated from the contract (`python -m devstack.client [--check]`).

API Gateway serves Swagger 2.0 (`contracts/openapi.yaml`); client generators want OpenAPI 3.
So the contract is rendered as OpenAPI 3.0 by swagger2openapi (npm, in `.node-tools`, the
converter the OpenAPI tooling ecosystem uses) with API Gateway's `x-google-*` extensions left
out, committed as `clients/openapi3.json` (the mobile app's generator reads it too), and
openapi-python-client (a maintained generator of typed clients: attrs models, httpx, sync and
async calls, every response parsed by status) turns that into `clients/python/wellness_api_client`,
also committed. Every tool and test that calls the API uses that client; `--check` regenerates
into a scratch folder and fails when the committed files differ, so a contract change that
breaks the client, or a client nobody regenerated, fails the build (`scripts/lint-deploy`).
"""
