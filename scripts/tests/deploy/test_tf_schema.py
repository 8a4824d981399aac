"""The offline Terraform schema check: it fails on what `terraform validate` would refuse, and passes terraform/.

The real schema comes from the npm packages scripts/lint-deploy installs into .node-tools; the
tests that need it skip (saying how to get it) when it is absent. A small hand-made assembly
checks the extraction itself without npm.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import REPO_ROOT
from devstack.deploy import tf_schema

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    try:
        return tf_schema.load_schema()
    except tf_schema.SchemaMissing as exc:
        pytest.skip(f"provider schema not installed ({exc}); run scripts/lint-deploy once")


def problems_in(tmp_path: Path, schema: dict[str, Any], hcl: str) -> list[str]:
    (tmp_path / "main.tf").write_text(textwrap.dedent(hcl))
    found, _, _ = tf_schema.check([tmp_path], schema)
    return [f"{p.where}: {p.message}" for p in found]


CLOUD_RUN = """
    resource "google_cloud_run_v2_service" "fn" {
      name     = "auth-login"
      location = "europe-west1"
      template {
        containers {
          image = "europe-west1-docker.pkg.dev/p/functions/auth-login:abc"
          resources {
            limits            = { cpu = "1", memory = "512Mi" }
            startup_cpu_boost = true
          }
        }
        %s
      }
      build_config {
        function_target = "handler"
      }
    }
"""


def test_a_correct_resource_passes(tmp_path: Path, schema: dict[str, Any]) -> None:
    assert problems_in(tmp_path, schema, CLOUD_RUN % "") == []


def test_a_misspelt_attribute_fails_and_names_the_right_one(tmp_path: Path, schema: dict[str, Any]) -> None:
    hcl = CLOUD_RUN.replace("function_target", "function_targt") % ""
    assert problems_in(tmp_path, schema, hcl) == [
        "google_cloud_run_v2_service.fn.build_config: unsupported argument or block 'function_targt' "
        "(did you mean 'function_target'?)"
    ]


def test_a_block_that_does_not_exist_fails(tmp_path: Path, schema: dict[str, Any]) -> None:
    hcl = CLOUD_RUN % "autoscaling {\n          max_instance_count = 3\n        }"
    (problem,) = problems_in(tmp_path, schema, hcl)
    assert problem.startswith("google_cloud_run_v2_service.fn.template: unsupported argument or block 'autoscaling'")


def test_a_missing_required_attribute_fails(tmp_path: Path, schema: dict[str, Any]) -> None:
    hcl = CLOUD_RUN.replace('location = "europe-west1"', "")
    assert problems_in(tmp_path, schema, hcl % "") == [
        "google_cloud_run_v2_service.fn: required argument 'location' is missing"
    ]


def test_a_missing_required_block_and_a_block_written_as_an_argument_fail(
    tmp_path: Path, schema: dict[str, Any]
) -> None:
    hcl = """
        resource "google_pubsub_subscription" "s" {
          name  = "n"
          topic = "t"
          push_config = {
            push_endpoint = "https://x"
          }
        }
        resource "google_cloud_run_v2_service" "no_template" {
          name     = "x"
          location = "europe-west1"
        }
    """
    assert problems_in(tmp_path, schema, hcl) == [
        "google_pubsub_subscription.s: 'push_config' is a block: write `push_config { ... }`, not an argument",
        "google_cloud_run_v2_service.no_template: required block 'template' is missing",
    ]


def test_a_beta_only_resource_needs_the_beta_provider(tmp_path: Path, schema: dict[str, Any]) -> None:
    hcl = """
        resource "google_api_gateway_api" "ga" {
          api_id = "wellness"
        }
        resource "google_api_gateway_api" "beta" {
          provider = google-beta
          api_id   = "wellness"
        }
    """
    assert problems_in(tmp_path, schema, hcl) == [
        "google_api_gateway_api.ga: google 6.50.0 has no resource type 'google_api_gateway_api' "
        "(it is in google-beta: set `provider = google-beta`)"
    ]


def test_dynamic_blocks_are_checked_like_literal_ones(tmp_path: Path, schema: dict[str, Any]) -> None:
    hcl = """
        resource "google_firestore_index" "i" {
          collection = "posts"
          dynamic "fields" {
            for_each = var.fields
            content {
              field_path = fields.value.path
              ordr       = fields.value.order
            }
          }
        }
    """
    assert problems_in(tmp_path, schema, hcl) == [
        "google_firestore_index.i.fields: unsupported argument or block 'ordr' (did you mean 'order'?)"
    ]


def test_module_calls_must_match_the_module_variables(tmp_path: Path, schema: dict[str, Any]) -> None:
    child = tmp_path / "child"
    child.mkdir()
    (child / "variables.tf").write_text('variable "name" { type = string }\nvariable "size" {\n  default = 1\n}\n')
    hcl = """
        module "c" {
          source = "./child"
          nmae   = "x"
        }
    """
    assert problems_in(tmp_path, schema, hcl) == [
        "module.c: no variable 'nmae' in ./child (did you mean 'name'?)",
        "module.c: required variable 'name' is not set",
    ]


def test_the_repository_terraform_passes(schema: dict[str, Any]) -> None:
    problems, files, blocks = tf_schema.check([REPO_ROOT / "terraform"], schema)
    assert files > 10 and blocks > 20
    assert [str(p) for p in problems] == []


def test_extraction_reads_names_optional_flags_and_blocks_from_the_assembly(tmp_path: Path) -> None:
    """No npm needed: a hand-made assembly in the shape cdktf generates."""

    def link(anchor: str) -> dict[str, str]:
        return {
            "remarks": f"Docs at Terraform Registry: {{@link https://registry.terraform.io/providers/hashicorp/"
            f"google/6.50.0/docs/resources/thing#{anchor} Thing#{anchor}}}"
        }

    a = "@cdktf/provider-google"
    assembly = {
        "name": a,
        "types": {
            f"{a}.thing.Thing": {
                "kind": "class",
                "base": "cdktf.TerraformResource",
                "docs": {
                    "summary": "Represents a {@link https://registry.terraform.io/providers/hashicorp/google/"
                    "6.50.0/docs/resources/thing google_thing}."
                },
                "initializer": {"parameters": [{"name": "config", "type": {"fqn": f"{a}.thing.ThingConfig"}}]},
            },
            f"{a}.thing.ThingConfig": {
                "kind": "interface",
                "properties": [
                    {"name": "name", "docs": link("name"), "type": {"primitive": "string"}},
                    {
                        "name": "forEachAttribute",
                        "docs": link("for_each"),
                        "optional": True,
                        "type": {"primitive": "string"},
                    },
                    {"name": "part", "docs": link("part"), "optional": True, "type": {"fqn": f"{a}.thing.ThingPart"}},
                    {
                        "name": "items",
                        "docs": link("items"),
                        "type": {
                            "union": {
                                "types": [
                                    {"fqn": "cdktf.IResolvable"},
                                    {"collection": {"kind": "array", "elementtype": {"fqn": f"{a}.thing.ThingPart"}}},
                                ]
                            }
                        },
                    },
                ],
            },
            f"{a}.thing.ThingPart": {
                "kind": "interface",
                "properties": [{"name": "size", "docs": link("size"), "type": {"primitive": "number"}}],
            },
        },
    }
    path = tmp_path / ".jsii"
    path.write_text(json.dumps(assembly))
    extracted = tf_schema.extract(path)
    blocks = extracted["blocks"]
    thing = blocks[extracted["provider"]["resource"]["google_thing"]]
    assert thing["attrs"] == {"for_each": False, "name": True}
    part_id = thing["blocks"]["part"][2]
    assert thing["blocks"] == {"items": [True, False, part_id], "part": [False, True, part_id]}
    assert blocks[part_id] == {"attrs": {"size": True}, "blocks": {}}
    assert extracted["provider"]["version"] == "6.50.0"
