"""`person` (list, erase everywhere) and `verify-log`: privacy and tamper evidence."""

from __future__ import annotations

import sys

from kiosk.cli.common import cli_actor, read_store, with_store
from kiosk.config import Config
from kiosk.errors import StoreFault, UsageError
from kiosk.store.database import RESTORE_ADVICE
from kiosk.store.ledger import verify_ledger
from kiosk.store.people import people_overview
from kiosk.store.privacy import erase_person


def register(commands) -> None:
    person = commands.add_parser("person", help="list people, or erase one everywhere")
    actions = person.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="enrolled people with their consent").set_defaults(handler=person_list)
    erase = actions.add_parser("erase", help="remove a person and every row about them, locally and centrally")
    erase.add_argument("person_id")
    erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    erase.set_defaults(handler=person_erase)
    verify = commands.add_parser("verify-log", help="check attendance and audit rows against the hash-chained ledger")
    verify.set_defaults(handler=verify_log_command)


def verify_log_command(args, cfg: Config) -> int:
    entries, problems = read_store(cfg, _verify)
    for problem in problems:
        print(problem)
    if problems:
        print(f"verify-log: {len(problems)} problem(s) in {entries} ledger entries", file=sys.stderr)
        return 1
    print(f"verify-log: ledger intact ({entries} entries; every attendance and audit row matches)")
    return 0


def _verify(store) -> tuple[int, list[str]]:
    """The file first (a damaged page the ledger's rows do not touch still counts), then the ledger."""
    verdict = store.integrity()
    if verdict != "ok":
        raise StoreFault(f"database {store.path} is damaged ({verdict[:120]}); {RESTORE_ADVICE}")
    return verify_ledger(store)


def person_list(args, cfg: Config) -> int:
    """Everyone, with their photos (or "awaiting enrolment"), consent, and whether they have a PIN."""
    rows = read_store(cfg, people_overview)
    for p in rows:
        guardian = f", guardian {p.guardian}" if p.guardian else ""
        if p.vectors:
            face = f"{p.vectors} embedding(s)"
        else:
            face = "no face (staff)" if p.role != "student" else "awaiting enrolment"
        print(f"{p.id}\t{p.name}\t{p.role}\t{face}\tPIN {'yes' if p.has_pin else 'no'}\t"
              f"consent: {p.consent_by or 'not recorded'}{guardian}")
    if not rows:
        print("nobody yet; enrol people with 'enroll', or import a roster with 'class import-roster'")
    return 0


def person_erase(args, cfg: Config) -> int:
    if not args.yes:
        raise UsageError(f"person erase: add --yes to erase {args.person_id!r} everywhere (cannot be undone)")
    if cfg.mongo.uri:
        _erase_centrally(cfg, args.person_id)
    actor = cli_actor()
    removed = with_store(cfg, lambda s: erase_person(s, args.person_id, actor, cfg.kiosk.id))
    print(f"erased {args.person_id}: " + ", ".join(f"{n} {table}" for table, n in removed.items()))
    return 0


def _erase_centrally(cfg: Config, person_id: str) -> None:
    """A tombstone on the central person (kiosks drop them at their next pull) and their central rows."""
    from kiosk.sync.central_writes import delete_person
    from kiosk.sync.central import Central

    central = Central.open(cfg.mongo)
    delete_person(central, person_id)
    with central.guard("cannot erase the person's central attendance"):
        central["attendance"].delete_many({"person_id": person_id})
