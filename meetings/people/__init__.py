"""Who is who: from a name as the minutes write it to a person (section 7 of the format)."""

from meetings.people.names import is_group
from meetings.people.resolving import Resolver, resolve
from meetings.people.unresolved import resolution_counts, unresolved_names

__all__ = ["Resolver", "is_group", "resolution_counts", "resolve", "unresolved_names"]
