"""Staff commands: `instructor add` and `pin set` (PINs are stored only as scrypt hashes)."""

from __future__ import annotations

import getpass
import sys

from kiosk.cli.common import with_store
from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.store.pins import hash_pin, pin_problem, set_pin
from kiosk.store.roster_admin import add_staff
from kiosk.sync import admin as central
from kiosk.sync.admin import central_or_local


def register(commands) -> None:
    staff = commands.add_parser("instructor", help="add instructors and admins (they need no face)")
    staff_cmds = staff.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = staff_cmds.add_parser("add", help="add an instructor (or promote an enrolled person)")
    add.add_argument("id")
    add.add_argument("--name", required=True)
    add.add_argument("--admin", action="store_true", help="an admin may act on every class")
    add.set_defaults(handler=instructor_add)

    pin = commands.add_parser("pin", help="set an instructor's or admin's overlay PIN")
    pin_cmds = pin.add_subparsers(dest="action", metavar="ACTION", required=True)
    pset = pin_cmds.add_parser("set", help="prompt for a PIN twice (no echo); from stdin when not a terminal")
    pset.add_argument("id")
    pset.set_defaults(handler=pin_set)


def instructor_add(args, cfg: Config) -> int:
    role = "admin" if args.admin else "instructor"
    created = with_store(cfg, lambda s: add_staff(s, args.id, args.name, role))
    print(f"{role} {args.id} {'added' if created else 'updated'}; set a PIN with: pin set {args.id}")
    return 0


def pin_set(args, cfg: Config) -> int:
    pin = read_pin()
    central_or_local(  # with mongo.uri: the hash is written centrally, then pulled here (kiosk/sync/admin.py)
        cfg, lambda c: central.set_pin_hash(c, args.id, hash_pin(pin)), lambda s: set_pin(s, args.id, pin))
    print(f"PIN set for {args.id}")
    return 0


def read_pin(stdin=None) -> str:
    """Twice with no echo at a terminal; else one line (optionally a second to confirm) from stdin."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("New PIN: ")
        _refuse_trivial(first)
        second = getpass.getpass("Repeat PIN: ")
    else:
        lines = [line.strip() for line in stdin.read().splitlines() if line.strip()]
        if not lines:
            raise UsageError("no PIN on stdin")
        first, second = lines[0], lines[1] if len(lines) > 1 else lines[0]
    _refuse_trivial(first)
    if first != second:
        raise UsageError("the two PINs differ; nothing changed")
    return first


def _refuse_trivial(pin: str) -> None:
    problem = pin_problem(pin)
    if problem:
        raise UsageError(f"PIN refused: {problem}")
