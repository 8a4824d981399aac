"""Build one function's image from its bundle in GCS, through the Cloud Run Admin API.

Terraform runs this (terraform_data.image in terraform/modules/function) before it deploys the
service: `google_cloud_run_v2_service.build_config` only records how an image was built, it
starts no build. This calls what `gcloud run deploy --function` calls, the Admin API's
`projects.locations.builds:submit` (buildpacks, the function target, the runtime base image,
automatic base-image updates), waits for the Cloud Build operation, and does nothing when the
image tag (the bundle's content hash) is already in Artifact Registry.

    python -m devstack.deploy.build_image --project P --region R \\
        --source gs://P-function-sources/functions/auth-login-0123456789abcdef.tar.gz \\
        --image R-docker.pkg.dev/P/functions/auth-login:0123456789abcdef \\
        --function-target handler --base-image R-docker.pkg.dev/serverless-runtimes/google-22/runtimes/python311 \\
        --service-account function-builder@P.iam.gserviceaccount.com

Standard library only (Terraform runs it with the system python3); the access token comes from
`gcloud auth print-access-token` (the deployer's credentials).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

# GOOGLE_APIS_ENDPOINT (the deploy rehearsal's stand-in, scripts/rehearse-deploy) replaces Google.
_STANDIN = os.environ.get("GOOGLE_APIS_ENDPOINT", "").rstrip("/")
RUN_API = f"{_STANDIN}/run/v2" if _STANDIN else "https://run.googleapis.com/v2"
BUILD_API = f"{_STANDIN}/cloudbuild/v1" if _STANDIN else "https://cloudbuild.googleapis.com/v1"
REGISTRY_API = f"{_STANDIN}/artifactregistry/v1" if _STANDIN else "https://artifactregistry.googleapis.com/v1"

Http = Callable[[str, str, dict[str, Any] | None], tuple[int, dict[str, Any]]]


class BuildError(RuntimeError):
    pass


def access_token() -> str:
    return subprocess.run(
        ["gcloud", "auth", "print-access-token"], check=True, capture_output=True, text=True
    ).stdout.strip()


def http_client(token: str) -> Http:
    def call(method: str, url: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 - Google APIs
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            payload = exc.read()
            try:
                return exc.code, json.loads(payload or b"{}")
            except ValueError:
                return exc.code, {"error": payload.decode(errors="replace")[:500]}

    return call


def parse_image(image: str) -> tuple[str, str, str, str, str]:
    """REGION-docker.pkg.dev/PROJECT/REPO/NAME:TAG -> (region, project, repo, name, tag).

    >>> parse_image("europe-west1-docker.pkg.dev/wellness-qa/functions/auth-login:0123abcd")
    ('europe-west1', 'wellness-qa', 'functions', 'auth-login', '0123abcd')
    """
    host, project, repo, rest = image.split("/", 3)
    name, _, tag = rest.rpartition(":")
    if not host.endswith("-docker.pkg.dev") or not name or not tag:
        raise BuildError(f"not an Artifact Registry image with a tag: {image}")
    return host.removesuffix("-docker.pkg.dev"), project, repo, name, tag


def parse_gcs(uri: str) -> tuple[str, str]:
    """gs://BUCKET/OBJECT -> (bucket, object).

    >>> parse_gcs("gs://b/functions/x.tar.gz")
    ('b', 'functions/x.tar.gz')
    """
    if not uri.startswith("gs://") or "/" not in uri[5:]:
        raise BuildError(f"not a gs://bucket/object URI: {uri}")
    bucket, _, obj = uri[5:].partition("/")
    return bucket, obj


def image_exists(http: Http, image: str) -> bool:
    region, project, repo, name, tag = parse_image(image)
    package = urllib.parse.quote(name, safe="")
    url = f"{REGISTRY_API}/projects/{project}/locations/{region}/repositories/{repo}/packages/{package}/tags/{tag}"
    status, body = http("GET", url, None)
    if status == 200:
        return True
    if status == 404:
        return False
    raise BuildError(f"cannot tell whether {image} exists: HTTP {status} {body}")


def submit_request(
    source: str, image: str, function_target: str, base_image: str, service_account: str
) -> dict[str, Any]:
    """The SubmitBuildRequest body: a buildpacks function build with automatic base-image updates.

    >>> body = submit_request("gs://b/o.tar.gz", "r-docker.pkg.dev/p/f/n:t", "handler", "base", "sa@p.iam")
    >>> body["buildpackBuild"]["functionTarget"], body["storageSource"]
    ('handler', {'bucket': 'b', 'object': 'o.tar.gz'})
    """
    bucket, obj = parse_gcs(source)
    project = parse_image(image)[1]
    return {
        "storageSource": {"bucket": bucket, "object": obj},
        "imageUri": image,
        "buildpackBuild": {
            "functionTarget": function_target,
            "baseImage": base_image,
            "enableAutomaticUpdates": True,
        },
        "serviceAccount": f"projects/{project}/serviceAccounts/{service_account}",
        "tags": ["wellness-function"],
    }


def build(
    http: Http,
    *,
    project: str,
    region: str,
    source: str,
    image: str,
    function_target: str,
    base_image: str,
    service_account: str,
    timeout: float = 1200,
    poll: float = 10,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] = print,
) -> str:
    """Build `image` unless it exists; returns "exists" or "built". Raises BuildError on failure."""
    if image_exists(http, image):
        log(f"build_image: {image} exists, not rebuilt")
        return "exists"
    url = f"{RUN_API}/projects/{project}/locations/{region}/builds:submit"
    status, body = http("POST", url, submit_request(source, image, function_target, base_image, service_account))
    if status != 200 or "buildOperation" not in body:
        raise BuildError(f"builds:submit refused {image}: HTTP {status} {body}")
    operation = body["buildOperation"]
    build_id = operation.get("metadata", {}).get("build", {}).get("id", "?")
    log(f"build_image: building {image} (Cloud Build {build_id}, region {region})")
    deadline = time.monotonic() + timeout
    while not operation.get("done"):
        if time.monotonic() > deadline:
            raise BuildError(f"build of {image} not done after {timeout:.0f} s (Cloud Build {build_id})")
        sleep(poll)
        status, operation = http("GET", f"{BUILD_API}/{operation['name']}", None)
        if status != 200:
            raise BuildError(f"cannot follow the build of {image}: HTTP {status} {operation}")
    if "error" in operation:
        raise BuildError(f"build of {image} failed (Cloud Build {build_id}): {operation['error']}")
    log(f"build_image: built {image}")
    return "built"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.deploy.build_image", description=__doc__.split("\n\n")[0])
    for flag in ("--project", "--region", "--source", "--image", "--function-target", "--base-image"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--service-account", required=True, help="the build account's email")
    parser.add_argument("--timeout", type=float, default=1200)
    args = parser.parse_args(argv)
    try:
        build(
            http_client(access_token()),
            project=args.project,
            region=args.region,
            source=args.source,
            image=args.image,
            function_target=args.function_target,
            base_image=args.base_image,
            service_account=args.service_account,
            timeout=args.timeout,
        )
    except BuildError as exc:
        print(f"build_image: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
