"""Who is who: from a name as the minutes write it to a person (section 7 of the format)."""

from meetings.names import is_group
from meetings.people.directory import learn, merge
from meetings.people.resolving import Directory, Resolver, resolve
from meetings.people.unresolved import resolution_counts, unresolved_names

__all__ = [
    "Directory",
    "Resolver",
    "is_group",
    "learn",
    "merge",
    "resolution_counts",
    "resolve",
    "unresolved_names",
]
