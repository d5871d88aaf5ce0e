"""Reading a OneRoster CSV bundle, from a folder or a zip file, into tables of cells.

A zip is read in memory, never unpacked to disk, and only after every member has been
checked: no more than MAX_MEMBERS files; no name that is absolute or climbs out with `..`;
no member over MAX_MEMBER_BYTES or compressed more than MAX_RATIO times (a zip bomb); and
no more than MAX_TOTAL_BYTES in all. A failed check refuses the zip in one line. The bundle's
files may sit at the top of the zip or in one folder (zipping a folder gives that).

What makes the whole bundle unusable is collected, one line per problem, and raised together
as BundleRefused: no manifest, a manifest naming a version or a file the standard does not
have, a declared file that is missing, a file that is not UTF-8, a header that is not exactly
the standard's, a sourcedId listed twice. A line that is only itself wrong (broken quoting, a
wrong number of cells) is a BadLine, and the rest of the file is still read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable

from kiosk.errors import KioskError, UsageError
from kiosk.interchange import spec

MAX_MEMBERS = 100  # a bundle is a dozen CSV files at most
MAX_MEMBER_BYTES = 256 * 2**20  # one CSV of a very large district is tens of MB
MAX_TOTAL_BYTES = 512 * 2**20
MAX_RATIO = 200  # CSV text compresses 5-20 times; a bomb thousands of times
RATIO_FLOOR = 2**20  # a small member may compress oddly well and harms nobody
READ = ("classes", "users", "enrollments", "roles")  # the files whose rows the kiosk uses


class BundleRefused(KioskError):
    """Nothing was imported: `problems` has one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0] if len(problems) == 1 else f"{len(problems)} problems; nothing imported")
        self.problems = list(problems)


@dataclass(frozen=True, order=True)
class BadLine:
    """A line of a file that was not imported, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}"


@dataclass(frozen=True)
class Table:
    file: str
    rows: tuple[tuple[int, dict[str, str]], ...]  # (line number, standard column -> stripped cell)


@dataclass
class Bundle:
    name: str  # the folder's or the zip's name, for messages
    version: str  # 1.1 | 1.2
    modes: dict[str, str]  # file kind (classes, users, ...) -> bulk | delta | absent
    tables: dict[str, Table] = field(default_factory=dict)  # the kinds in READ that the bundle carries
    bad: list[BadLine] = field(default_factory=list)

    def mode(self, kind: str) -> str:
        return self.modes.get(kind, "absent")


def read_bundle(path: Path) -> Bundle:
    """A folder or a zip file; UsageError when it is neither, BundleRefused for a bad bundle."""
    path = Path(path)
    if path.is_dir():
        return parse_bundle(path.name, lambda name: _folder_file(path, name))
    if not path.exists():
        raise UsageError(f"{path} does not exist; give a OneRoster folder or zip file")
    try:
        with open(path, "rb") as handle:
            if not zipfile.is_zipfile(handle):
                raise UsageError(f"{path.name} is neither a folder nor a zip file; give a OneRoster bundle")
            return read_zip(handle, path.name)
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror}") from None


def read_zip(handle: IO[bytes], name: str) -> Bundle:
    """A zip from a file or an upload (io.BytesIO), checked before anything in it is read."""
    try:
        with zipfile.ZipFile(handle) as archive:
            members = _checked_members(archive, name)
            files = {file: _member(archive, info, name) for file, info in members.items() if file.endswith(".csv")}
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as err:
        # a damaged or encrypted member, or a compression this Python cannot read
        raise BundleRefused([f"{name}: cannot read the zip file ({err}); nothing imported"]) from None
    return parse_bundle(name, files.get)


def _checked_members(archive: zipfile.ZipFile, name: str) -> dict[str, zipfile.ZipInfo]:
    """The bundle's files (by name, relative to the bundle's folder) once every member passed."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BundleRefused([f"{name}: {len(infos)} files in the zip, more than {MAX_MEMBERS}; a OneRoster "
                             "bundle is a few CSV files; nothing imported"])
    total = 0
    for info in infos:
        _check_member(info, name)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise BundleRefused([f"{name}: the zip unpacks to {_size(total)}, more than {_size(MAX_TOTAL_BYTES)}; "
                             "nothing imported"])
    files = [i for i in infos if not i.is_dir()]
    manifests = sorted((i.filename for i in files if i.filename.rsplit("/", 1)[-1] == spec.MANIFEST),
                       key=lambda n: n.count("/"))
    prefix = manifests[0][: -len(spec.MANIFEST)] if manifests and manifests[0].count("/") <= 1 else ""
    return {i.filename[len(prefix):]: i for i in files
            if i.filename.startswith(prefix) and "/" not in i.filename[len(prefix):]}


def _check_member(info: zipfile.ZipInfo, name: str) -> None:
    member = info.filename
    parts = member.replace("\\", "/").split("/")
    if member.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", member) or ".." in parts:
        raise BundleRefused([f"{name}: the zip holds a path outside its folder ({member!r}); nothing imported"])
    if info.file_size > MAX_MEMBER_BYTES:
        raise BundleRefused([f"{name}: {member} unpacks to {_size(info.file_size)}, more than "
                             f"{_size(MAX_MEMBER_BYTES)} for one file; nothing imported"])
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise BundleRefused([f"{name}: {member} is compressed {info.file_size // max(info.compress_size, 1)} times "
                             f"(more than {MAX_RATIO}), as a zip bomb is; nothing imported"])


def _size(count: int) -> str:
    return f"{count / 2**20:.0f} MB" if count >= 2**20 else f"{count:,} bytes"


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    with archive.open(info) as member:  # stops at the size the zip declares, checked above
        data = member.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise BundleRefused([f"{name}: {info.filename} is larger than it says; nothing imported"])
    return data


def _folder_file(folder: Path, name: str) -> bytes | None:
    path = folder / name
    if not path.is_file():
        return None
    try:
        if path.stat().st_size > MAX_MEMBER_BYTES:
            raise BundleRefused([f"{folder.name}/{name} is larger than {_size(MAX_MEMBER_BYTES)}; nothing imported"])
        return path.read_bytes()
    except OSError as err:
        raise BundleRefused([f"cannot read {path}: {err.strerror}"]) from None


# -- the manifest and the tables ------------------------------------------------------------------

def parse_bundle(name: str, get: Callable[[str], bytes | None]) -> Bundle:
    """The manifest first (versions and file list), then each declared file's header and rows."""
    data = get(spec.MANIFEST)
    if data is None:
        raise BundleRefused([f"{name}: no {spec.MANIFEST}; a OneRoster bundle carries one beside its CSV files"])
    problems: list[str] = []
    text = _decode(spec.MANIFEST, data, problems)
    version, modes = _manifest(text, problems) if text is not None else ("", {})
    if problems:
        raise BundleRefused(problems)
    bundle = Bundle(name, version, modes)
    for kind, mode in modes.items():
        if mode != "absent":
            _read_file(bundle, kind, get(spec.file_name(kind)), problems)
    if problems:
        raise BundleRefused(problems)
    return bundle


def _read_file(bundle: Bundle, kind: str, data: bytes | None, problems: list[str]) -> None:
    file = spec.file_name(kind)
    if data is None:
        problems.append(f"{spec.MANIFEST} declares file.{kind} as {bundle.mode(kind)}, but {file} is not in the "
                        "bundle")
        return
    header = spec.HEADERS[bundle.version].get(kind)
    if header is None:  # a file the kiosk does not read
        return
    text = _decode(file, data, problems)
    if text is None:
        return
    rows, bad = _table(file, text, header, bundle.version, problems, rows_wanted=kind in READ)
    if kind in READ:
        bundle.tables[kind] = Table(file, tuple(rows))
        bundle.bad += bad


def _decode(file: str, data: bytes, problems: list[str]) -> str | None:
    try:
        return data.decode("utf-8-sig")  # with or without the byte-order mark spreadsheets write
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        problems.append(f"{file} line {line}: not UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8 "
                        "and export the bundle again")
        return None


def _manifest(text: str, problems: list[str]) -> tuple[str, dict[str, str]]:
    before = len(problems)
    rows, bad = _table(spec.MANIFEST, text, spec.MANIFEST_HEADER, "", problems, keyed=False)
    if len(problems) > before:  # no header: no properties to check
        return "", {}
    problems += [str(b) for b in bad]
    props: dict[str, str] = {}
    for line, row in rows:
        key = row["propertyName"]
        if key in props:
            problems.append(f"{spec.MANIFEST} line {line}: {key} is listed twice")
        props[key] = row["value"]
    version = props.get("oneroster.version", "")
    if props.get("manifest.version") != spec.MANIFEST_VERSION:
        problems.append(f"{spec.MANIFEST}: manifest.version is {props.get('manifest.version', 'missing')!r}; "
                        f"this kiosk reads manifest version {spec.MANIFEST_VERSION}")
    if version not in spec.VERSIONS:
        problems.append(f"{spec.MANIFEST}: oneroster.version is {version or 'missing'!r}; this kiosk reads "
                        f"OneRoster {' and '.join(spec.VERSIONS)}")
        return version, {}
    return version, _file_list(props, version, problems)


def _file_list(props: dict[str, str], version: str, problems: list[str]) -> dict[str, str]:
    modes = {}
    for key, value in props.items():
        if not key.startswith("file."):
            continue
        kind = key[len("file."):]
        if kind not in spec.FILES[version]:
            problems.append(f"{spec.MANIFEST}: {key} is not a file of OneRoster {version}")
        elif value not in spec.MODES:
            problems.append(f"{spec.MANIFEST}: {key} is {value!r}; it must be bulk, delta or absent")
        else:
            modes[kind] = value
    for kind in spec.DECLARED:
        if f"file.{kind}" not in props:
            problems.append(f"{spec.MANIFEST} has no file.{kind} line (bulk, delta or absent)")
    if all(modes.get(kind, "absent") == "absent" for kind in spec.DECLARED):
        problems.append(f"{spec.MANIFEST} declares classes, users and enrollments absent: nothing to import")
    return modes


def _table(file: str, text: str, header: tuple[str, ...], version: str, problems: list[str],
           keyed: bool = True, rows_wanted: bool = True) -> tuple[list, list[BadLine]]:
    """Each record's cells under the standard's columns; a broken line is a BadLine. The header
    must be exactly the standard's; a sourcedId listed twice is a problem of the whole file."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    bad: list[BadLine] = []
    seen: dict[str, int] = {}
    width = 0
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            if not width:
                problems.append(f"{file} line {start}: the header cannot be read ({err})")
                return [], []
            bad.append(BadLine(file, start, f"broken quoting ({err}); fix the quotes of this line"))
            continue
        if not any(c.strip() for c in cells):
            continue
        if not width:
            problem = header_problem(file, start, cells, header, version)
            if problem:
                problems.append(problem)
                return [], []
            width = len(cells)
            if not rows_wanted:
                return [], []
            continue
        if len(cells) != width:
            bad.append(BadLine(file, start, f"{len(cells)} cells, but the header has {width} columns"))
            continue
        row = {column: cell.strip() for column, cell in zip(header, cells)}
        sid = row.get("sourcedId", "") if keyed else ""
        if sid and sid in seen:
            problems.append(f"{file} lines {seen[sid]} and {start}: sourcedId {sid!r} is listed twice")
        seen.setdefault(sid, start)
        rows.append((start, row))
    if not width:
        problems.append(f"{file} is empty; it needs the standard's header row")
    return rows, bad


def header_problem(file: str, line: int, cells: list[str], header: tuple[str, ...], version: str) -> str | None:
    """Why this header is not exactly the standard's, or None."""
    standard = f"OneRoster {version}" if version else "the standard"
    for i, want in enumerate(header):
        if i >= len(cells):
            return (f"{file} line {line}: the header ends after {len(cells)} column(s); {standard} has "
                    f"{len(header)} (the next is {want!r})")
        if cells[i] != want:
            return (f"{file} line {line}: column {i + 1} of the header is {cells[i]!r}; {standard} says {want!r} "
                    "(headers are matched exactly, case included)")
    for i, extra in enumerate(cells[len(header):], start=len(header) + 1):
        if not extra.startswith(spec.EXTENSION_PREFIX):
            return (f"{file} line {line}: column {i} of the header, {extra!r}, is not in {standard}; an extension "
                    f"column is named {spec.EXTENSION_PREFIX}*")
    return None
