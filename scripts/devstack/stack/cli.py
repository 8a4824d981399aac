"""`scripts/dev` commands: up, down, status, logs, traces (see scripts/dev for the venv part)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from devstack.catalog import load_catalog
from devstack.stack.layout import DEFAULT_STATE_DIR
from devstack.stack.prometheus import INSTALL_HINT as PROMETHEUS_INSTALL_HINT
from devstack.stack.stack import Stack, StackError
from devstack.stack.traces import format_traces


def _say(line: str) -> None:
    print(line, flush=True)


def cmd_up(args: argparse.Namespace) -> int:
    existing = Stack.load(args.state_dir)
    if existing is not None and not existing.processes and existing.cluster is None:
        existing.down()  # an empty or damaged state.json records nothing to keep
        existing = None
    if existing is not None:
        dead = existing.dead()
        if not dead:
            _say(f"the local stack is already up: gateway {existing.gateway_url}  (scripts/dev status | down)")
            return 0
        print(
            f"a stack was started from {args.state_dir} but these processes are gone: {', '.join(dead)}\n"
            f"see `scripts/dev logs {dead[0]}`, then `scripts/dev down` and `scripts/dev up` again",
            file=sys.stderr,
        )
        return 1
    try:
        functions = load_catalog().select(args.domains)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    _say(
        f"starting the local stack: {len(functions)} functions ({', '.join(args.domains) or 'all domains'}), "
        f"state in {args.state_dir}"
    )
    stack = Stack(
        args.state_dir,
        args.port,
        args.domains,
        database_url=os.environ.get("DATABASE_URL") or None,
        pubsub_host=os.environ.get("PUBSUB_EMULATOR_HOST") or None,
        firestore_host=os.environ.get("FIRESTORE_EMULATOR_HOST") or None,
        progress=_say,
        console_port=args.console_port,
    )
    try:
        stack.up()
    except StackError as exc:
        print(f"\nthe local stack did not start: {exc}", file=sys.stderr)
        return 1
    metrics = (
        f"{stack.prometheus_url}   (PromQL, e.g. faas_coldstarts; the alerts at {stack.prometheus_url}/alerts)"
        if stack.prometheus_url
        else f"none: {PROMETHEUS_INSTALL_HINT}"
    )
    _say(
        f"\nup in {stack.timings['total']:.1f} s\n"
        f"  gateway   {stack.gateway_url}   (try: curl {stack.gateway_url}/v1/auth/jwks)\n"
        f"  metrics   {metrics}\n"
        f"  console   {stack.console_url}   (requests, traces, events, mail; the API reference: /reference)\n"
        f"  status    scripts/dev status      logs: scripts/dev logs [name…] -f      traces: scripts/dev traces\n"
        f"  stop      scripts/dev down        (down --clean also deletes the database and keys)"
    )
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    stack = Stack.load(args.state_dir)
    if stack is None:
        if args.clean:
            Stack(args.state_dir).down(clean=True)
            _say(f"no stack was running; removed {args.state_dir}")
        else:
            _say("no local stack is running")
        return 0
    count = len(stack.processes) + (1 if stack.cluster else 0)
    stack.down(clean=args.clean)
    _say(f"stopped {count} process(es)" + (f" and removed {args.state_dir}" if args.clean else ""))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    stack = Stack.load(args.state_dir)
    if stack is None:
        _say("no local stack is running (scripts/dev up)")
        return 1
    rows = stack.status()
    _say(f"gateway {stack.gateway_url}   state {args.state_dir}")
    for row in rows:
        _say(f"  {row['name']:<32} {row['kind']:<10} {'up' if row['alive'] else 'DEAD':<5} {row['url'] or ''}")
    if stack.prometheus_url is None:
        _say(f"  {'prometheus':<32} {'-':<10} {'off':<5} {PROMETHEUS_INSTALL_HINT}")
    dead = [row["name"] for row in rows if not row["alive"]]
    if dead:
        _say(f"{len(dead)} process(es) are gone: see `scripts/dev logs {dead[0]}`")
    return 1 if dead else 0


def _log_files(state_dir: Path, names: Sequence[str]) -> dict[str, Path]:
    logs_dir = state_dir / "logs"
    found = {path.stem: path for path in sorted(logs_dir.glob("*.log"))}
    stack = Stack.load(state_dir)
    if stack is not None and stack.cluster is not None:
        found["postgres"] = stack.cluster.log_path
    if not names:
        return found
    missing = [name for name in names if name not in found]
    if missing:
        raise SystemExit(f"no log for {', '.join(missing)} in {logs_dir} (have: {', '.join(found) or 'none'})")
    return {name: found[name] for name in names}


def cmd_logs(args: argparse.Namespace) -> int:
    files = _log_files(args.state_dir, args.names)
    width = max((len(name) for name in files), default=0)
    offsets: dict[str, int] = {}
    for name, path in files.items():
        text = path.read_text(errors="replace") if path.exists() else ""
        lines = text.splitlines()
        for line in lines[-args.lines :] if args.lines else lines:
            _say(f"{name:<{width}} | {line}")
        offsets[name] = len(text.encode())
    while args.follow:
        try:
            time.sleep(0.25)
        except KeyboardInterrupt:
            return 0
        for name, path in files.items():
            try:
                with open(path, "rb") as fh:
                    fh.seek(offsets[name])
                    chunk = fh.read()
            except FileNotFoundError:
                continue
            # Print whole lines only; a half-written line waits for the next round.
            complete = chunk[: chunk.rfind(b"\n") + 1]
            offsets[name] += len(complete)
            for line in complete.decode(errors="replace").splitlines():
                _say(f"{name:<{width}} | {line}")
    return 0


def cmd_traces(args: argparse.Namespace) -> int:
    jobs = () if args.all else [fn.name for fn in load_catalog().functions if fn.kind == "job"]
    _say(format_traces(args.state_dir / "traces.jsonl", args.trace_id, args.count, quiet_services=jobs))
    return 0


def cmd_mail(args: argparse.Namespace) -> int:
    from devstack.stack.mailsink import read_mail

    messages = read_mail(args.state_dir / "mail")
    if args.index is None:
        if not messages:
            _say("no mail received yet (the stack's SMTP sink keeps each mail in .local/dev/mail/)")
        for i, message in enumerate(messages[-args.count :], start=max(0, len(messages) - args.count)):
            _say(f"{i:4}  {message['Date'] or '':31}  {message['To']:<40}  {message['Subject']}")
        return 0
    if not -len(messages) <= args.index < len(messages):
        print(f"no mail #{args.index} ({len(messages)} received)", file=sys.stderr)
        return 1
    message = messages[args.index]
    for name in ("Date", "From", "To", "Subject", "X-Wellness-Event-Id"):
        _say(f"{name}: {message[name]}")
    _say("")
    _say(message.get_content())  # decoded: quoted-printable would break the reset link across lines
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/dev", description="The local stack of the wellness backend.")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(os.environ.get("DEVSTACK_STATE_DIR", DEFAULT_STATE_DIR)),
        help="where state, logs and data live (default .local/dev)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the stack (all domains, or the ones named)")
    up.add_argument("domains", nargs="*", help="e.g. auth profile (default: all)")
    up.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("GATEWAY_PORT", "8080")),
        help="gateway port (default 8080, or $GATEWAY_PORT)",
    )
    up.add_argument(
        "--console-port",
        type=int,
        default=int(os.environ.get("CONSOLE_PORT", "8081")),
        help="developer console port (default 8081, or $CONSOLE_PORT; a free one when taken)",
    )
    up.set_defaults(run=cmd_up)
    down = sub.add_parser("down", help="stop everything up started")
    down.add_argument("--clean", action="store_true", help="also delete the database, keys, logs and traces")
    down.set_defaults(run=cmd_down)
    sub.add_parser("status", help="each process, alive or not, and its URL").set_defaults(run=cmd_status)
    logs = sub.add_parser("logs", help="print or follow logs, prefixed with the process name")
    logs.add_argument("names", nargs="*", help="function or process names (default: all)")
    logs.add_argument("-f", "--follow", action="store_true")
    logs.add_argument("-n", "--lines", type=int, default=0, help="only the last N lines of each (default: all)")
    logs.set_defaults(run=cmd_logs)
    traces = sub.add_parser("traces", help="the last traces as trees, or one by id")
    traces.add_argument("trace_id", nargs="?")
    traces.add_argument("-n", "--count", type=int, default=5)
    traces.add_argument("--all", action="store_true", help="include the scheduler's idle job ticks")
    traces.set_defaults(run=cmd_traces)
    mail = sub.add_parser("mail", help="the mail the local SMTP sink received: a list, or one mail by number")
    mail.add_argument("index", nargs="?", type=int, help="print this mail (-1: the last)")
    mail.add_argument("-n", "--count", type=int, default=20)
    mail.set_defaults(run=cmd_mail)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.state_dir = args.state_dir.resolve()
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
