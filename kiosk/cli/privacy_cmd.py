"""`person` (list, erase everywhere, a check-in code, opting out of face recognition) and
`verify-log`: privacy, a way in without a face, and tamper evidence."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.cli.common import read_store, with_school
from kiosk.config import Config
from kiosk.errors import StoreFault, UsageError
from kiosk.store.database import RESTORE_ADVICE
from kiosk.store.ledger import verify_ledger
from kiosk.store.oneroster import interchange_ids
from kiosk.store.people import door_references, people_overview


def register(commands) -> None:
    person = commands.add_parser("person", help="list people, or erase one everywhere")
    actions = person.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="enrolled people with their consent").set_defaults(handler=person_list)
    erase = actions.add_parser("erase", help="remove a person and every row about them, locally and centrally")
    erase.add_argument("person_id")
    erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    erase.set_defaults(handler=person_erase)
    code = actions.add_parser("code", help="issue a personal check-in code (typed at the kiosk, or a QR card)")
    code.add_argument("person_id")
    code.add_argument("--card", type=Path, help="also write a printable card with the code and its QR code "
                                                "(.png or .pdf)")
    code.add_argument("--revoke", action="store_true", help="take the person's code away")
    code.set_defaults(handler=person_code)
    opt = actions.add_parser("opt-out", help="never recognise this person by face (their face data is erased); "
                                             "they check in with their code")
    opt.add_argument("person_id")
    opt.add_argument("--undo", action="store_true", help="opt back in (new photos are needed)")
    opt.set_defaults(handler=person_opt_out)
    forget = actions.add_parser("remove-reference", help="remove one door reference (a face the door learned from "
                                                         "a confirmed attempt; 'person list' shows their numbers)")
    forget.add_argument("person_id")
    forget.add_argument("reference_id", type=int)
    forget.set_defaults(handler=person_remove_reference)
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
    rows, door = read_store(cfg, lambda s: (people_overview(s), door_references(s)))
    linked = read_store(cfg, interchange_ids).users  # person id -> (OneRoster sourcedId, school identifier)
    for p in rows:
        guardian = f", guardian {p.guardian}" if p.guardian else ""
        if p.vectors:
            face = f"{p.vectors} embedding(s)"
        else:
            face = "no face (staff)" if p.role != "student" else "awaiting enrolment"
        face = "opted out of face recognition" if p.face_opt_out else face
        if p.cautions:
            face += f" ({p.cautions} with a caution: retake for a stronger reference)"
        if p.lookalike:
            face += " (look-alike flagged: `lookalikes`)"
        print(f"{p.id}\t{p.name}\t{p.role}\t{face}\tPIN {'yes' if p.has_pin else 'no'}\t"
              f"code {'yes' if p.has_code else 'no'}\tconsent: {p.consent_by or 'not recorded'}{guardian}"
              + (f"\tOneRoster {linked[p.id][0]}, identifier {linked[p.id][1] or '-'}" if p.id in linked else ""))
        for ref in door.get(p.id, ()):
            print(f"\tdoor reference {ref.id}\tadded {ref.added_at[:10]}\t{ref.model}\t{ref.source[5:]}")
    if not rows:
        print("nobody yet; enrol people with 'enroll', or import a roster with 'class import-roster'")
    return 0


def person_code(args, cfg: Config) -> int:
    """Print a new code once (only its hash is kept), and write the card if asked."""
    if args.revoke:
        with_school(cfg, lambda school: school.revoke_code(args.person_id))
        print(f"{args.person_id}'s check-in code no longer works")
        return 0
    from kiosk.reports.cards import card_path_problem, write_card

    person = read_store(cfg, lambda s: s.person(args.person_id))
    if person is None:
        raise UsageError(f"unknown person {args.person_id!r}; see 'person list'")
    problem = card_path_problem(args.card) if args.card is not None else None
    if problem:  # before the code is issued: a new code would stop their old card working
        raise UsageError(f"--card {args.card}: {problem}; nothing changed (no new code was issued)")
    code = with_school(cfg, lambda school: school.issue_code(args.person_id))
    print(f"check-in code for {person.name} ({person.id}): {code[:4]} {code[4:]}  (shown once; a new one "
          "replaces it)")
    if args.card is not None:
        write_card(args.card, person.id, person.name, code)
        print(f"card written to {args.card}")
    return 0


def person_opt_out(args, cfg: Config) -> int:
    opted = not args.undo
    removed = with_school(cfg, lambda school: school.opt_out(args.person_id, opted))
    if opted:
        print(f"{args.person_id} opted out of face recognition: {removed} embedding(s) erased; they check in with "
              f"their code ('person code {args.person_id} --card card.pdf')")
    else:
        print(f"{args.person_id} may be recognised by face again: enrol new photos ('enroll --id {args.person_id} "
              "--replace ...')")
    return 0


def person_remove_reference(args, cfg: Config) -> int:
    found = with_school(cfg, lambda school: school.remove_door_reference(args.person_id, args.reference_id))
    print(f"door reference {found.id} of {args.person_id} removed (added {found.added_at[:10]})")
    return 0


def person_erase(args, cfg: Config) -> int:
    if not args.yes:
        raise UsageError(f"person erase: add --yes to erase {args.person_id!r} everywhere (cannot be undone)")
    removed = with_school(cfg, lambda school: school.erase(args.person_id))
    print(f"erased {args.person_id}: " + ", ".join(f"{n} {table}" for table, n in removed.items()))
    return 0
