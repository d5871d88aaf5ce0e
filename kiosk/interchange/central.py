"""The OneRoster import against the central database (mongo.uri set): the same plan as the local
import (plan.py), made against what the central database holds, then written there; the
admin path (kiosk/sync/central_writes.write_through) then pulls it into this machine, and
every door pulls it within one sync interval.

MongoDB has no transaction here, so every check runs before the first write: a refused
bundle writes nothing. The writes go collection by collection in bulk (people, then classes,
then links). Were the server lost halfway (or another admin to write the same new document
at the same moment), part would be written and the import says so in one line; running it
again completes it, since the import is idempotent.
"""

from __future__ import annotations

import logging
from typing import Callable, TypeVar

import numpy as np

from kiosk.store.oneroster import Changes, ClassLink, EnrollmentLink, HeldClass, Holdings, UserLink
from kiosk.store.sqlite_store import Person
from kiosk.sync import central_writes
from kiosk.sync.central import Central
from kiosk.sync.documents import class_fields, person_fields
from kiosk.sync.oneroster_links import COLLECTION, link_fields, link_id, parse_link

log = logging.getLogger(__name__)
P = TypeVar("P")
LIVE = central_writes.LIVE  # not a tombstone


def import_central(central: Central, planner: Callable[[Holdings], P]) -> P:
    """Plan against the central holdings, then write the plan's `changes`."""
    plan = planner(central_holdings(central))
    apply_central(central, plan.changes)
    return plan


def central_holdings(central: Central) -> Holdings:
    held = Holdings()
    with central.guard("cannot read the central database"):
        people = list(central["people"].find(LIVE, {"_id": 1, "name": 1, "role": 1}))
        classes = list(central["classes"].find(LIVE, {"_id": 1, "name": 1, "room": 1, "instructor_id": 1,
                                                       "roster": 1}))
        links = list(central[COLLECTION].find(LIVE))
    held.people = {d["_id"]: Person(d["_id"], d.get("name") or d["_id"], d.get("role") or "student")
                   for d in people}
    held.classes = {d["_id"]: HeldClass(d["_id"], d.get("name") or d["_id"], d.get("room") or "",
                                        d.get("instructor_id") or None, tuple(d.get("roster") or ()))
                    for d in classes}
    for doc in links:
        try:
            pulled = parse_link(doc)
        except ValueError as err:  # MalformedDocument: the import goes on without it, as a pull would
            log.warning("oneroster import skips %s", err)
            continue
        if isinstance(pulled.link, UserLink):
            held.users[pulled.sourced_id] = pulled.link
        elif isinstance(pulled.link, ClassLink):
            held.class_links[pulled.sourced_id] = pulled.link
        elif isinstance(pulled.link, EnrollmentLink):
            held.enrollments[pulled.sourced_id] = pulled.link
    return held


def apply_central(central: Central, changes: Changes) -> None:
    none = np.zeros((0, 0), np.float32)
    people = [(p.id, person_fields(p.name, p.role, "", none, []) if p.id in changes.new_people
               else {"name": p.name, "role": p.role}) for p in changes.people]
    _upsert(central, "people", people)
    for code in changes.removed_classes:  # its schedules are tombstoned too, as `class remove` does
        central_writes.delete_class(central, code)
    _upsert(central, "classes", [(c.code, class_fields(c.name, c.room, c.instructor_id, list(c.roster)))
                                 for c in changes.classes])
    links = [*changes.users, *changes.class_links, *changes.enrollments]
    writes = [(link_id(fields["kind"], fields["sourced_id"]), fields) for fields in map(link_fields, links)]
    writes += [(link_id("enrollment", sid), {"deleted": True}) for sid in changes.dropped_enrollments]
    _upsert(central, COLLECTION, writes)


def _upsert(central: Central, collection: str, writes: list[tuple[str, dict]]) -> None:
    """One bulk write, every document stamped with the server's clock (what doors pull by).

    A document the collection has never held is inserted, which costs a small part of an
    upsert (1,170 enrollments: 0.1 s against 2.3 s on the test server), with the server's time
    read just before; the inserts go first, so every later write is stamped after them and a
    pull running meanwhile misses none. The others are updated with $currentDate, as every
    admin write is."""
    from pymongo import InsertOne, UpdateOne

    if not writes:
        return
    with central.guard(f"cannot read {collection} centrally"):
        held = {d["_id"] for d in central[collection].find({"_id": {"$in": [key for key, _ in writes]}}, {"_id": 1})}
    now, _ = central.clock_offset()
    inserts = [InsertOne({"_id": key, **fields, "updated_at": now}) for key, fields in writes if key not in held]
    updates = [UpdateOne({"_id": key}, {"$set": fields, "$currentDate": {"updated_at": True}}, upsert=True)
               for key, fields in writes if key in held]
    with central.guard(f"cannot write {collection} centrally"):
        central[collection].bulk_write(inserts + updates, ordered=True)
