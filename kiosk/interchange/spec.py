"""What the OneRoster CSV binding (1EdTech OneRoster 1.1 and 1.2) requires of a bundle, as data.

Headers are matched exactly: the standard's columns, in its order and its spelling (case
included). Columns after them are allowed only as extensions named `metadata.*`, as the
standard allows. The files the kiosk never reads (demographics, gradebook, resources) are
not opened, so their headers are not checked.
"""

from __future__ import annotations

MANIFEST = "manifest.csv"
MANIFEST_HEADER = ("propertyName", "value")
MANIFEST_VERSION = "1.0"
VERSIONS = ("1.1", "1.2")
MODES = ("bulk", "delta", "absent")
EXTENSION_PREFIX = "metadata."

_COMMON = ("sourcedId", "status", "dateLastModified")
_HEADERS_11 = {
    "orgs": _COMMON + ("name", "type", "identifier", "parentSourcedId"),
    "academicSessions": _COMMON + ("title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"),
    "courses": _COMMON + ("schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects",
                          "subjectCodes"),
    "classes": _COMMON + ("title", "grades", "courseSourcedId", "classCode", "classType", "location",
                          "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"),
    "users": _COMMON + ("enabledUser", "orgSourcedIds", "role", "username", "userIds", "givenName", "familyName",
                        "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password"),
    "enrollments": _COMMON + ("classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary",
                              "beginDate", "endDate"),
}
# 1.2 moved a user's roles (and their organisations) out of users.csv into roles.csv.
_HEADERS_12 = {
    **_HEADERS_11,
    "users": _COMMON + ("enabledUser", "username", "userIds", "givenName", "familyName", "middleName",
                        "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password",
                        "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName", "preferredMiddleName",
                        "preferredFamilyName", "primaryOrgSourcedId", "pronouns"),
    "roles": _COMMON + ("userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId",
                        "userProfileSourcedId"),
}
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {"1.1": _HEADERS_11, "1.2": _HEADERS_12}

# Every `file.*` property each version's manifest may carry (the kiosk reads only some).
_FILES_11 = ("academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
             "demographics", "enrollments", "lineItems", "orgs", "resources", "results", "users")
FILES: dict[str, tuple[str, ...]] = {
    "1.1": _FILES_11,
    "1.2": _FILES_11 + ("roles", "userProfiles", "userResources", "scoreScales", "lineItemLearningObjectiveIds",
                        "lineItemScoreScales", "resultLearningObjectiveIds", "resultScoreScales"),
}
OTHER_PROPERTIES = ("manifest.version", "oneroster.version", "source.systemName", "source.systemCode")
# The files the kiosk needs declared (bulk, delta or absent) to know what a bundle changes.
DECLARED = ("classes", "users", "enrollments")

ACTIVE = "active"
TO_BE_DELETED = "tobedeleted"
# 1.1 still names `inactive` (deprecated): a record no longer in use, so it is removed like tobedeleted.
STATUSES = {"": ACTIVE, ACTIVE: ACTIVE, TO_BE_DELETED: TO_BE_DELETED, "inactive": TO_BE_DELETED}
STUDENT, TEACHER = "student", "teacher"
BOOLEANS = {"true": True, "false": False, "": False}


def file_name(kind: str) -> str:
    return f"{kind}.csv"
