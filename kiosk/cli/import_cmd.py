"""`import oneroster DIR_OR_ZIP`: classes, students, teachers and rosters from the school's
student information system, as a OneRoster 1.1 or 1.2 CSV bundle (a folder or a zip file).

The bundle is read and checked before the database is touched (kiosk/interchange/); the plan
is then made and applied in one transaction (locally), or written centrally and pulled here
(with mongo.uri), and audited as `oneroster_import`. Output: one summary line on stdout; on
stderr, each refused line with its file and line number, and warnings. Exit 0 when every line
was imported, 1 when some were refused (the rest is imported) or the whole bundle was refused
(one line per problem, nothing imported), 2 for usage (no such folder or file).
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.cli.common import with_school
from kiosk.config import Config
from kiosk.interchange.bundle import BundleRefused, read_bundle
from kiosk.interchange.plan import summary


def register(commands) -> None:
    imp = commands.add_parser("import", help="import classes and rosters from the school's system")
    formats = imp.add_subparsers(dest="action", metavar="FORMAT", required=True)
    one = formats.add_parser("oneroster", help="a OneRoster 1.1/1.2 CSV bundle (folder or zip): classes, students, "
                                               "teachers and enrollments; people not enrolled yet await enrolment")
    one.add_argument("bundle", type=Path, metavar="DIR_OR_ZIP")
    one.set_defaults(handler=oneroster_import)


def oneroster_import(args, cfg: Config) -> int:
    try:
        bundle = read_bundle(args.bundle)
        plan = with_school(cfg, lambda school: school.import_oneroster(bundle))  # the web upload's routine too
    except BundleRefused as refused:
        for problem in refused.problems:
            print(problem, file=sys.stderr)
        print(f"{args.bundle.name}: nothing imported ({len(refused.problems)} problem(s))", file=sys.stderr)
        return 1
    for bad in plan.bad:
        print(bad, file=sys.stderr)
    for warning in plan.warnings:
        print(f"{warning.file} line {warning.line}: warning: {warning.reason}", file=sys.stderr)
    print(summary(plan, bundle.name))
    return 1 if plan.bad else 0
