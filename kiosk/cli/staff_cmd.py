"""Staff commands: `instructor add`, `staff list`, `staff remove` and `pin set` (PINs are
stored only as scrypt hashes). Every change is audited."""

from __future__ import annotations

import getpass
import sys

from kiosk.cli.common import read_store, with_school, with_store
from kiosk.config import Config
from kiosk.errors import StoreError, UsageError
from kiosk.store.pins import pin_holder_problem, pin_problem
from kiosk.store.staff import staff_members


def register(commands) -> None:
    staff = commands.add_parser("instructor", help="add instructors and admins (they need no face)")
    staff_cmds = staff.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = staff_cmds.add_parser("add", help="add an instructor or admin under a new id "
                                  "(a role or name is changed on the person's page of the web console)")
    add.add_argument("id")
    add.add_argument("--name", required=True)
    add.add_argument("--admin", action="store_true", help="an admin may act on every class")
    add.set_defaults(handler=instructor_add)

    members = commands.add_parser("staff", help="list or remove instructors and admins")
    member_cmds = members.add_subparsers(dest="action", metavar="ACTION", required=True)
    member_cmds.add_parser("list", help="instructors and admins, with PIN yes/no and their classes").set_defaults(
        handler=staff_list)
    remove = member_cmds.add_parser("remove", help="take away a staff member's role and PIN")
    remove.add_argument("id")
    remove.set_defaults(handler=staff_remove)

    pin = commands.add_parser("pin", help="set an instructor's or admin's overlay PIN")
    pin_cmds = pin.add_subparsers(dest="action", metavar="ACTION", required=True)
    pset = pin_cmds.add_parser("set", help="prompt for a PIN twice (no echo); from stdin when not a terminal")
    pset.add_argument("id")
    pset.set_defaults(handler=pin_set)


def instructor_add(args, cfg: Config) -> int:
    role = "admin" if args.admin else "instructor"
    created = with_school(cfg, lambda school: school.add_staff(args.id, args.name, role))
    if not created:
        print(f"{args.id} is already {'an admin' if args.admin else 'an instructor'}; nothing changed")
        return 0
    print(f"{role} {args.id} added; set a PIN with: pin set {args.id}")
    return 0


def staff_list(args, cfg: Config) -> int:
    members = read_store(cfg, staff_members)
    for m in members:
        teaches = ", ".join(m.classes) or "-"
        print(f"{m.id}\t{m.name}\t{m.role}\tPIN {'yes' if m.has_pin else 'no'}\tteaches: {teaches}")
    if not members:
        print("no staff yet; add one with: instructor add ID --name NAME [--admin]")
    return 0


def staff_remove(args, cfg: Config) -> int:
    done = with_school(cfg, lambda school: school.remove_staff(args.id))
    print(f"staff {args.id}: PIN and staff role removed; {done}")
    return 0


def pin_set(args, cfg: Config) -> int:
    if not cfg.mongo.uri:  # named before the PIN is asked for (centrally, the server checks)
        problem = with_store(cfg, lambda s: pin_holder_problem(s, args.id))
        if problem:
            raise StoreError(f"pin set: {problem}")
    pin = read_pin()
    with_school(cfg, lambda school: school.set_pin(args.id, pin))
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
            raise UsageError("no PIN on stdin; type it at a terminal, or pipe it in: echo 4829 | main.py pin set ID")
        first, second = lines[0], lines[1] if len(lines) > 1 else lines[0]
    _refuse_trivial(first)
    if first != second:
        raise UsageError("the two PINs differ; nothing changed")
    return first


def _refuse_trivial(pin: str) -> None:
    problem = pin_problem(pin)
    if problem:
        raise UsageError(f"PIN refused: {problem}")
