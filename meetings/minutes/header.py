"""The front matter of a minutes file: the meeting's date, title, place, teams and people.

``read_header()`` turns a file's bytes into a ``Header`` and the Markdown body
below the front matter. What is odd but readable is read anyway, with a
warning; what cannot be read at all raises ``MinutesError``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePath

import yaml
from frontmatter.default_handlers import YAMLHandler

from meetings.minutes import MinutesError, limits

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

# Checked before decoding, so an image or an archive is named for what it is
# rather than reported as "not UTF-8".
BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a zip archive",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an ELF executable",
}

# C0 controls other than tab and the line ends, and DEL. Text has almost none.
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])

# Characters that cannot be seen but change what a name or a date means
# (`Ale\u200bx` is not `Alex`). U+200D is kept: it joins emoji sequences.
INVISIBLE = {
    "NUL": "\x00",
    "zero-width": "\u200b\u200c\u2060\ufeff",
    "bidi control": "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
}
INVISIBLE_TABLE = str.maketrans(dict.fromkeys("".join(INVISIBLE.values())))

# A date as written in file names and front matter; not part of a longer run
# of digits (`2023-05-010` is a typo, not May 1st).
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

# A top-level key of the front matter, at the start of its line: where a warning about it points.
TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:", re.MULTILINE)

FENCE = YAMLHandler()

# libyaml is fast and refuses nesting deeper than 1000 levels; the pure-Python
# parser takes quadratic time over deeply nested `[[[...` flow collections.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Header:
    date: dt.date
    datetime: dt.datetime | None
    title: str | None
    location: str | None
    teams: list[str]
    participants: list[str]
    # The file this one takes the place of (its path as imported), when it says so.
    replaces: str | None
    # The Markdown below the front matter, and the line of the file it starts on
    # (CRLF and lone CR count as one line end each, as in CommonMark).
    body: str
    body_line: int
    warnings: list[str] = field(default_factory=list)


class FrontMatterLoader(SafeLoader):
    """A safe loader that reads plain values as written: strings, except ISO dates.

    YAML 1.1 would turn `12:30` into 750, `no` into False and `1_000` into 1000.
    Without a null resolver an empty value is the empty string.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag == TIMESTAMP_TAG]
        for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_timestamp(self, node):
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            # `2022-02-30`: keep the text so that the date reader can say what is wrong.
            return self.construct_scalar(node)


FrontMatterLoader.add_constructor(TIMESTAMP_TAG, FrontMatterLoader.construct_timestamp)


def read_header(data: bytes | str, source: str, *, max_bytes: int | None = None) -> Header:
    """Read a minutes file's front matter and find where its body starts.

    ``source`` names the file in messages, and its name gives the date when
    the front matter does not.
    """
    warnings = []
    text = decode(data, source, DEFAULT_MAX_BYTES if max_bytes is None else max_bytes)
    text = strip_invisible(text, warnings)
    if not text.strip():
        raise MinutesError(f"{source}: the file is empty")

    yaml_text, yaml_line, body, body_line = split_front_matter(text, source)
    fields = None
    key_lines = {}
    if yaml_text is not None:
        fields = load_yaml(yaml_text, yaml_line, source)
        if not body.strip():
            raise MinutesError(f"{source}: there is nothing below the front matter")
        key_lines = lines_of_keys(yaml_text, yaml_line)
        for key in ("teams", "participants"):
            if key not in fields:
                warnings.append(f"no {key} in the front matter")

    date, datetime = meeting_date(fields, source, warnings, key_lines)
    fields = fields or {}
    header = Header(
        date=date,
        datetime=datetime,
        title=text_value(fields, "title", warnings),
        location=text_value(fields, "location", warnings),
        teams=name_list(fields, "teams", warnings),
        participants=name_list(fields, "participants", warnings),
        replaces=text_value(fields, "replaces", warnings),
        body=body,
        body_line=body_line,
        warnings=[with_line(warning, key_lines) for warning in warnings],
    )
    check_lengths(header, text, yaml_line, source)
    return header


def lines_of_keys(yaml_text: str, first_line: int) -> dict[str, int]:
    """The line of the file each top-level key of the front matter is written on."""
    lines = {}
    for found in TOP_LEVEL_KEY.finditer(yaml_text):
        lines.setdefault(found.group(1), first_line + yaml_text.count("\n", 0, found.start()))
    return lines


def with_line(warning: str, key_lines: dict[str, int]) -> str:
    """``datetime: ...`` → ``line 3: datetime: ...``, for a warning about a key's value."""
    key = warning.split(":", 1)[0]
    return f"line {key_lines[key]}: {warning}" if key in key_lines else warning


def check_lengths(header: Header, text: str, yaml_line: int, source: str) -> None:
    """Refuse a name too long for the tracker to store; cut a title or place, with a warning.

    A name cut short could be someone else's; a title cut short is still the title.
    """

    def line_of(value):
        # The values have lost their lines; the first place the file writes one is its line.
        found = text.find(value[:40])
        return line_at(text, found) if found != -1 else yaml_line

    for field_name, names in (("team", header.teams), ("participant", header.participants)):
        for name in names:
            if len(name) > limits.NAME:
                limits.refuse(source, field_name, name, limits.NAME, line_of(name))
    for field_name, limit in (("title", limits.TITLE), ("location", limits.LOCATION)):
        value = getattr(header, field_name)
        if value is not None and len(value) > limit:
            line = line_of(value)
            setattr(header, field_name, limits.cut(value, limit))
            header.warnings.append(limits.cut_warning(field_name, value, limit, line))


def decode(data: bytes | str, source: str, max_bytes: int) -> str:
    """The file's text without its BOM, with "\\n" line ends; refuses what is not text."""
    if isinstance(data, str):
        try:
            data = data.encode()
        except UnicodeEncodeError as error:
            raise MinutesError(
                f"{source}: not UTF-8 text (unpaired surrogate at character {error.start})"
            ) from None
    if len(data) > max_bytes:
        raise MinutesError(
            f"{source}: the file is too large ({len(data):,} bytes; the limit is {max_bytes:,})"
        )
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise MinutesError(f"{source}: {kind}, not a Markdown file")
    # A few stray NULs are stripped later with a warning; this many is not text.
    controls = len(data) - len(data.translate(None, CONTROL_BYTES))
    if controls * 10 > len(data):
        raise MinutesError(f"{source}: a binary file ({controls:,} control bytes), not Markdown")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        before = one_line_end(data[: error.start].decode("utf-8"))
        raise MinutesError(
            f"{source}: not UTF-8 text (invalid byte 0x{byte:02x} at offset {error.start})",
            line_at(before, len(before)),
        ) from None
    return one_line_end(text.removeprefix("\ufeff"))


def one_line_end(text: str) -> str:
    # CRLF and a lone CR both end one line, as in CommonMark, so line numbers
    # still match the file as its author sees it.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_invisible(text: str, warnings: list[str]) -> str:
    counts = {kind: sum(map(text.count, chars)) for kind, chars in INVISIBLE.items()}
    removed = [f"{count} {kind}" for kind, count in counts.items() if count]
    if not removed:
        return text
    warnings.append(f"removed invisible characters: {', '.join(removed)}")
    return text.translate(INVISIBLE_TABLE)


def split_front_matter(text: str, source: str) -> tuple[str | None, int, str, int]:
    """The YAML text and its first line, and the body and its first line.

    The YAML text is None when the file has no front matter.
    """
    opening = FENCE.FM_BOUNDARY.match(text)  # what FENCE.detect() checks
    if opening is None:
        return None, 0, text, 1
    try:
        yaml_text, body = FENCE.split(text)
    except ValueError:
        raise MinutesError(
            f"{source}: the front matter opened on line 1 is never closed by a '---' line", 1
        ) from None
    # The fence pattern ends in `\s*$`, so it may stop before the fence line's
    # "\n" or run on over blank lines: start the body on the line after the fence.
    fence_end = text.rfind("-", 0, len(text) - len(body))
    newline = text.find("\n", fence_end)
    body_start = len(text) if newline == -1 else newline + 1
    return (
        yaml_text,
        line_at(text, opening.end()),
        text[body_start:],
        line_at(text, body_start),
    )


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def load_yaml(yaml_text: str, first_line: int, source: str) -> dict:
    """The front matter's keys and values; ``first_line`` is its line in the file."""
    try:
        refuse_anchors_and_tags(yaml_text, first_line, source)
        fields = yaml.load(yaml_text, Loader=FrontMatterLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = " ".join(str(error.problem or error.context).split())
        line = first_line + mark.line
        raise MinutesError(
            f"{source}: broken YAML in the front matter, line {line}: {problem}", line
        ) from None
    except yaml.YAMLError as error:
        problem = " ".join(str(error).split())
        raise MinutesError(
            f"{source}: broken YAML in the front matter: {problem}", first_line
        ) from None
    except RecursionError:  # only the pure-Python parser recurses
        raise MinutesError(f"{source}: the front matter is nested too deeply") from None
    if fields is None:  # only comments, or nothing, between the fences
        return {}
    if not isinstance(fields, dict):
        raise MinutesError(
            f"{source}: the front matter is not a list of `key: value` lines", first_line
        )
    return fields


def refuse_anchors_and_tags(yaml_text: str, first_line: int, source: str) -> None:
    """Refuse YAML features that minutes never need, before anything is built.

    Aliases can make a few lines expand into billions of values ("billion
    laughs"); tags such as `!!python/object/apply` ask for objects to be made.
    The real minutes use neither. Events come from the parser alone, so this
    runs before any value is constructed.
    """
    for event in yaml.parse(yaml_text, Loader=FrontMatterLoader):
        if not isinstance(event, yaml.NodeEvent):
            continue
        line = first_line + event.start_mark.line
        if event.anchor is not None:
            raise MinutesError(
                f"{source}: YAML anchors and aliases are not allowed in the front matter"
                f" (line {line})",
                line,
            )
        if getattr(event, "tag", None) is not None:
            raise MinutesError(
                f"{source}: YAML tags such as {shorten(event.tag)} are not allowed"
                f" in the front matter (line {line})",
                line,
            )


def meeting_date(
    fields: dict | None, source: str, warnings: list[str], key_lines: dict[str, int]
) -> tuple[dt.date, dt.datetime | None]:
    """The meeting's date, and its datetime when the front matter gives one.

    ``fields`` is None when the file has no front matter; ``key_lines`` are the
    lines its keys are on. The front matter's date wins over the file name's,
    with a warning when they differ (a file copied from another and not renamed).
    """
    named_date = file_name_date(source)
    unreadable = None  # the key whose value is no date
    if fields is None:
        reason = "no front matter"
    else:
        reason = "no datetime in the front matter"
        for key in ("datetime", "date"):
            if key not in fields:
                continue
            try:
                found = read_when(fields[key], source, key)
            except MinutesError as error:
                raise MinutesError(str(error), key_lines.get(key)) from None
            if found is None:
                reason = f"{key}: {shorten(fields[key])} is not an ISO 8601 date"
                unreadable = key
                continue
            date, datetime = found
            if named_date is not None and named_date != date:
                warnings.append(
                    f"{key}: {date.isoformat()} is not the date in the file name"
                    f" ({named_date.isoformat()})"
                )
            return date, datetime
    if named_date is None:
        raise MinutesError(
            f"{source}: no meeting date ({reason}; no yyyy-mm-dd in the file name)",
            key_lines.get(unreadable),
        )
    warnings.append(f"{reason}; the date is taken from the file name")
    return named_date, None


def file_name_date(source: str) -> dt.date | None:
    found = ISO_DATE.search(PurePath(source).name)
    if found is None:
        return None
    return real_date(found, source, "the file name")


def read_when(value, source: str, key: str) -> tuple[dt.date, dt.datetime | None] | None:
    """The date and datetime a front-matter value gives; None if it is not ISO 8601."""
    if isinstance(value, dt.datetime):
        return value.date(), value
    if isinstance(value, dt.date):
        return value, None
    if not isinstance(value, str):
        return None
    # What YAML leaves as text: `2023-03-29T10:00+02:00` (no seconds), quoted dates.
    text = value.strip()
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        pass
    try:
        datetime = dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.date(), datetime
    # Free text (`January 12, 2022 at 1 PM`) is unusable, but `2022-02-30` is wrong.
    found = ISO_DATE.search(text)
    if found is not None:
        real_date(found, source, key)
    return None


def real_date(found: re.Match, source: str, where: str) -> dt.date:
    year, month, day = map(int, found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise MinutesError(f"{source}: {found.group()} in {where} is not a real date") from None


def text_value(fields: dict, key: str, warnings: list[str]) -> str | None:
    """A one-line value such as the title, as a stripped string or None."""
    value = fields.get(key)
    if value is None or isinstance(value, str):
        return (value or "").strip() or None
    if isinstance(value, list):
        warnings.append(f"{key}: a list, joined with commas")
        return ", ".join(strings_in(value, key, warnings)).strip() or None
    if isinstance(value, dict):
        warnings.append(f"{key}: {shorten(value)} is not text; ignored")
        return None
    warnings.append(f"{key}: {shorten(value)} is not text; read as text")
    return as_text(value)


# What YAML would read as null: no name, whatever the value says.
NULLS = frozenset(["", "~", "null"])


def name_list(fields: dict, key: str, warnings: list[str]) -> list[str]:
    """Team or participant names, as written: one per comma-separated part, no repeats."""
    value = fields.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        if not value.strip():
            warnings.append(f"{key}: empty")
            return []
        warnings.append(f"{key}: one line of text rather than a list; split on commas")
        value = [value]
    elif not isinstance(value, list):
        value = [value]

    names, seen = [], set()
    empty_entries = 0
    for entry in value:
        if isinstance(entry, str) and entry.strip().lower() in NULLS:  # `- `, `- ~`, `- null`
            empty_entries += 1
            continue
        if isinstance(entry, list):
            warnings.append(f"{key}: a list inside the list, read as part of it")
        for text in strings_in(entry, key, warnings):
            for name in text.split(","):
                name = name.strip()
                if name and name not in seen:
                    seen.add(name)
                    names.append(name)
    if empty_entries:
        entries = "entry" if empty_entries == 1 else "entries"
        warnings.append(f"{key}: dropped {empty_entries} empty {entries}")
    if not names:
        warnings.append(f"{key}: empty")
    for name in names:
        if name.isdecimal():
            warnings.append(f"{key}: {name!r} is a number; kept as a name")
    return names


def strings_in(value, key: str, warnings: list[str]) -> list[str]:
    """The text in a value, reading nested lists in order and dropping mappings."""
    texts = []
    # A stack, not recursion: YAML allows nesting deeper than Python's stack.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, list):
            pending.extend(reversed(item))
        elif isinstance(item, dict):
            warnings.append(f"{key}: dropped {shorten(item)}, a mapping")
        else:
            warnings.append(f"{key}: {shorten(item)} is not text; read as text")
            texts.append(as_text(item))
    return texts


def as_text(value) -> str:
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    return str(value)


def shorten(value, limit: int = 60) -> str:
    """A value for a message, cut short: a value may be a 500 KB line. Text is quoted."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if isinstance(value, str) else text
