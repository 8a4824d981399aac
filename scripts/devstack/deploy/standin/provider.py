"""One generic stand-in for hashicorp/google and google-beta 6.50.0, served to the real CLI.

Run by the launcher `install.py` writes (`python -m devstack.deploy.standin.provider NAME`),
with `STANDIN_SCHEMA` (the typed schema of `schema.py`, only the types the configuration uses)
and `STANDIN_WORLD` (a directory: what exists in the stand-in project outside Terraform's
state, such as secret versions and metrics) in the environment. Only the standard library and
`tf` are imported here: the provider runs in `.venv-standin`.

The framework is `tf` 1.2.0 (PyPI; hfern/tf), chosen over `pyvider` 0.8.1 after reading both:
`tf` is ~2,000 lines on grpcio, msgpack and protobuf and speaks plugin protocol 6 (the go-plugin
handshake, TLS, the gRPC services, msgpack with unknown values), which is what a stand-in
needs from a framework. Its resource model (typed attribute classes, set-nested blocks only,
one class per resource) cannot express Google's list-nested blocks, so this module keeps its
server and codec and replaces the servicer's schema, plan and apply methods with one
schema-driven implementation. `pyvider` models list and set blocks, but wants an attrs class per
resource and per nested block and brings its own logging and runtime packages
(provide-foundation, pyvider-rpcplugin): a generic provider built at start from data would
fight it at every layer.

What the stand-in does, for every resource: at plan, arguments are the configuration, computed
attributes the configuration leaves null are unknown on create and keep their value on update;
at apply, unknowns get deterministic values (`values.py`) and the rules of `rules.py` (what
Google's APIs refuse on a first apply) are checked. A change to an argument the real provider
marks ForceNew (`forcenew.json`, derived from its source) plans a replacement; every other
change is an update in place. Import takes back only what a destroy abandoned.

Started as `--reattach SOCKET`, it serves until SIGTERM on that Unix socket, without TLS, and
prints the one line Terraform's TF_REATTACH_PROVIDERS takes for it (`install.Providers` starts one
per provider for a whole rehearsal, so that each terraform command connects to it instead of
starting ~8 processes, each importing grpc). Terraform reads that variable in main.go
(parseReattachProviders) and builds an unmanaged provider factory on it
(internal/command/meta_providers.go, unmanagedProviderFactory), at hashicorp/terraform v1.11.4;
`"Test": true` is what the provider SDKs' debug mode prints, and tells go-plugin's client not to
kill the process when terraform is done with it (ReattachConfig.Test,
developer.hashicorp.com/terraform/plugin/debugging#running-terraform-with-a-provider-in-debug-mode).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import traceback
from concurrent import futures
from pathlib import Path
from typing import Any

from tf import provider as tf_provider
from tf import runner
from tf.gen import tfplugin_pb2 as pb
from tf.types import Unknown
from tf.utils import Diagnostics, read_dynamic_value, to_dynamic_value

from devstack.deploy.standin import forcenew, rules, values
from devstack.deploy.standin.planning import fill_body, forces_replacement, is_unknown, plan_body

Body = dict[str, Any]


def _schema_pb(body: Body) -> pb.Schema.Block:
    attributes = [
        pb.Schema.Attribute(
            name=name,
            type=json.dumps(spec["type"]).encode(),
            required=spec["required"],
            optional=not spec["required"] and not (spec["computed"] and name != "id"),
            computed=spec["computed"],
            description_kind=pb.StringKind.PLAIN,
        )
        for name, spec in body["attrs"].items()
    ]
    nesting = {"list": pb.Schema.NestedBlock.NestingMode.LIST, "single": pb.Schema.NestedBlock.NestingMode.SINGLE}
    blocks = [
        pb.Schema.NestedBlock(
            type_name=name,
            block=_schema_pb(spec["block"]),
            nesting=nesting[spec["nesting"]],
            min_items=spec["min"] if spec["nesting"] == "list" else 0,
            max_items=spec["max"] if spec["nesting"] == "list" else 0,
        )
        for name, spec in body["blocks"].items()
    ]
    return pb.Schema.Block(attributes=attributes, block_types=blocks, description_kind=pb.StringKind.PLAIN)


class Servicer(tf_provider.ProviderServicer):  # type: ignore[misc]
    """The protocol 6 provider service, on the schema in STANDIN_SCHEMA."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        name = os.environ.get("STANDIN_PROVIDER", "google")
        schema = json.loads(Path(os.environ["STANDIN_SCHEMA"]).read_text())["providers"][name]
        self.provider_body: Body = schema["provider"]
        self.resources: dict[str, Body] = schema["resource"]
        self.data_sources: dict[str, Body] = schema["data"]
        self.world = rules.World(Path(os.environ["STANDIN_WORLD"]))
        self.force_new = forcenew.load()
        self.provider_config: dict[str, Any] = {}
        self.schema_pb: Any = None

    def GetProviderSchema(self, request: Any, context: Any) -> Any:
        if self.schema_pb is None:  # the same answer every time: built once per process
            self.schema_pb = pb.GetProviderSchema.Response(
                provider=pb.Schema(block=_schema_pb(self.provider_body)),
                provider_meta=pb.Schema(block=pb.Schema.Block()),
                resource_schemas={t: pb.Schema(block=_schema_pb(b)) for t, b in self.resources.items()},
                data_source_schemas={t: pb.Schema(block=_schema_pb(b)) for t, b in self.data_sources.items()},
                # As the real providers announce it (google 6.50.0 is served by terraform-plugin-mux,
                # whose tf5muxserver/server_capabilities.go announces GetProviderSchemaOptional): one
                # terraform command then asks once and reuses the answer for its other instances
                # (hashicorp/terraform v1.11.4 internal/plugin6/grpc_provider.go, providers.SchemaCache).
                server_capabilities=pb.ServerCapabilities(get_provider_schema_optional=True),
            )
        return self.schema_pb

    def ValidateProviderConfig(self, request: Any, context: Any) -> Any:
        return pb.ValidateProviderConfig.Response()

    def ValidateResourceConfig(self, request: Any, context: Any) -> Any:
        return pb.ValidateResourceConfig.Response()

    def ValidateDataResourceConfig(self, request: Any, context: Any) -> Any:
        return pb.ValidateDataResourceConfig.Response()

    def ConfigureProvider(self, request: Any, context: Any) -> Any:
        self.provider_config = read_dynamic_value(request.config) or {}
        return pb.ConfigureProvider.Response()

    def UpgradeResourceState(self, request: Any, context: Any) -> Any:
        state = json.loads(request.raw_state.json)
        return pb.UpgradeResourceState.Response(upgraded_state=to_dynamic_value(state))

    def ReadResource(self, request: Any, context: Any) -> Any:
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def PlanResourceChange(self, request: Any, context: Any) -> Any:
        proposed = read_dynamic_value(request.proposed_new_state)
        if proposed is None:  # destroy
            return pb.PlanResourceChange.Response(planned_state=request.proposed_new_state)
        prior = read_dynamic_value(request.prior_state)
        planned = plan_body(self.resources[request.type_name], prior, proposed, Unknown)
        project = planned.get("project")
        if not is_unknown(project):
            for name, value in values.at_plan(self._context(request.type_name), planned).items():
                if is_unknown(planned.get(name)):
                    planned[name] = value
        # Terraform plans the replacement (destroy, then create from a plan without prior state).
        replace = (
            forces_replacement(self.force_new.get(request.type_name, []), prior, planned, Unknown) if prior else []
        )
        paths = [pb.AttributePath(steps=[pb.AttributePath.Step(attribute_name=p.split(".")[0])]) for p in replace]
        return pb.PlanResourceChange.Response(planned_state=to_dynamic_value(planned), requires_replace=paths)

    def ApplyResourceChange(self, request: Any, context: Any) -> Any:
        diags = Diagnostics()
        try:
            planned = read_dynamic_value(request.planned_state)
            prior = read_dynamic_value(request.prior_state)
            ctx = self._context(request.type_name)
            if planned is None:
                for problem in rules.check_destroy(request.type_name, prior, self.world):
                    diags.add_error(problem.summary, problem.detail)
                if diags.has_errors():
                    return pb.ApplyResourceChange.Response(new_state=request.prior_state, diagnostics=diags.to_pb())
                self.world.forget(request.type_name, prior)
                return pb.ApplyResourceChange.Response(new_state=request.planned_state)
            new = fill_body(self.resources[request.type_name], planned, ctx, (), Unknown)
            if prior is None:  # what the APIs refuse when a resource is created
                for problem in rules.check(request.type_name, new, self.world):
                    diags.add_error(problem.summary, problem.detail)
            else:
                for problem in rules.check_update(request.type_name, new, self.world):
                    diags.add_error(problem.summary, problem.detail)
            if diags.has_errors():
                return pb.ApplyResourceChange.Response(new_state=request.prior_state, diagnostics=diags.to_pb())
            self.world.remember(request.type_name, new, prior)
            return pb.ApplyResourceChange.Response(new_state=to_dynamic_value(new), diagnostics=diags.to_pb())
        except Exception:  # noqa: BLE001 - an internal error goes to the CLI, not to a dead plugin
            diags.add_error("stand-in provider failed", traceback.format_exc())
            return pb.ApplyResourceChange.Response(new_state=request.prior_state, diagnostics=diags.to_pb())

    def ImportResourceState(self, request: Any, context: Any) -> Any:
        """Only what a destroy abandoned (rules.abandoned) can be imported: it still exists, as it was."""
        state = self.world.adopt(request.type_name, request.id)
        if state is None:
            diags = Diagnostics()
            diags.add_error("Cannot import non-existent remote object", f"{request.type_name} {request.id!r}")
            return pb.ImportResourceState.Response(diagnostics=diags.to_pb())
        imported = pb.ImportResourceState.ImportedResource(type_name=request.type_name, state=to_dynamic_value(state))
        return pb.ImportResourceState.Response(imported_resources=[imported])

    def ReadDataSource(self, request: Any, context: Any) -> Any:
        config = read_dynamic_value(request.config)
        state = fill_body(
            self.data_sources[request.type_name],
            plan_body(self.data_sources[request.type_name], None, config, Unknown),
            self._context(request.type_name),
            (),
            Unknown,
        )
        return pb.ReadDataSource.Response(state=to_dynamic_value(state))

    def _context(self, type_name: str) -> values.Context:
        return values.Context(
            type_name=type_name,
            project=str(self.provider_config.get("project") or "standin-project"),
            region=str(self.provider_config.get("region") or "europe-west1"),
        )


class _App:
    def full_name(self) -> str:
        return "registry.terraform.io/hashicorp/" + os.environ.get("STANDIN_PROVIDER", "google")


def serve_reattached(socket: str) -> None:
    """Serve on `socket` until SIGTERM; first print the TF_REATTACH_PROVIDERS entry for this provider.

    The services are the ones `tf`'s runner registers (the provider, go-plugin's controller and
    stdio), without its TLS and without its shutdown on StopProvider or the controller's Shutdown:
    one terraform command is done with this provider, not the rehearsal.
    """
    import grpc
    from tf.gen import grpc_controller_pb2 as controller_pb
    from tf.gen import grpc_controller_pb2_grpc as controller_rpc
    from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
    from tf.gen import tfplugin_pb2_grpc as rpc

    class Controller(controller_rpc.GRPCControllerServicer):  # type: ignore[misc]
        def Shutdown(self, request: Any, context: Any) -> Any:
            return controller_pb.Empty()

    class Stdio(stdio_rpc.GRPCStdioServicer):  # type: ignore[misc]
        def StreamStdio(self, request: Any, context: Any) -> Any:
            return iter([])

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    rpc.add_ProviderServicer_to_server(Servicer(_App()), server)
    controller_rpc.add_GRPCControllerServicer_to_server(Controller(), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(Stdio(), server)
    server.add_insecure_port(f"unix://{socket}")
    server.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    entry = {"Protocol": "grpc", "ProtocolVersion": 6, "Pid": os.getpid(), "Test": True}
    print(json.dumps({_App().full_name(): {**entry, "Addr": {"Network": "unix", "String": socket}}}), flush=True)
    while not stop.wait(1.0):
        pass
    server.stop(grace=None)


def main() -> None:
    if sys.argv[1:2] == ["--reattach"]:
        serve_reattached(sys.argv[2])
    else:
        tf_provider.ProviderServicer = Servicer  # run_provider builds its servicer from this name
        runner.run_provider(_App(), sys.argv)


if __name__ == "__main__":
    main()
