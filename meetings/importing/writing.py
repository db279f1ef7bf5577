"""Writing what a file says into its meeting: the discussion, the items, what is said done.

Rows of a kind are written in one query each (bulk), never one by one.
"""

from __future__ import annotations

from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.text import slugify

from meetings.importing.deciding import lines_of, normal, pair_mentions
from meetings.importing.results import Outcome
from meetings.matching import Matcher, Said, reopen, suggest_done
from meetings.models import (
    AgendaItem,
    Candidate,
    DoneSuggestion,
    Event,
    Item,
    Link,
    Mention,
    Owner,
    Speaker,
    Statement,
    Team,
    Topic,
    Verdict,
    name_key,
)
from meetings.people import is_group


def write_discussion(meeting, minutes, resolver):
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, text=item.text, line=item.line, position=position)
        for position, item in enumerate(minutes.agenda)
    )
    topics = Topic.objects.bulk_create(
        Topic(meeting=meeting, title=t.title or "", line=t.line, position=position)
        for position, t in enumerate(minutes.topics)
    )
    statements = Statement.objects.bulk_create(
        Statement(topic=topic, text=s.text, line=s.line, position=position)
        for topic, parsed in zip(topics, minutes.topics, strict=True)
        for position, s in enumerate(parsed.statements)
    )
    parsed_statements = [s for t in minutes.topics for s in t.statements]
    Speaker.objects.bulk_create(
        name_ref(Speaker, name, position, resolver, statement=statement)
        for statement, parsed in zip(statements, parsed_statements, strict=True)
        for position, name in enumerate(parsed.speakers)
    )


def write_items(meeting, teams, minutes, result, resolver):
    """Write the file's action items and decisions: each line a mention of an item, new
    or one it repeats. Returns the ids of the items the meeting's mentions are of
    (removed ones too), and of those among them made here."""
    lines = lines_of(minutes)
    old = list(meeting.mentions.select_related("item")) if result.outcome == Outcome.UPDATED else []
    pairs, new = pair_mentions(old, lines)
    for mention, line in pairs:
        if normal(mention.text) != normal(line.text):
            result.changed.append((mention.text, line.text))
        elif mention.removed:
            result.added.append(line.text)
        else:
            result.kept += 1
        mention.text = line.text
        mention.line = line.line
        mention.position = line.position
        mention.owners = line.owners
        mention.removed = False
    paired = {mention.pk for mention, _ in pairs}
    gone = [m for m in old if m.pk not in paired and not m.removed]
    for mention in gone:
        mention.removed = True
        result.removed.append(mention.text)
    touched = [mention for mention, _ in pairs] + gone
    if touched:
        Mention.objects.bulk_update(touched, ["text", "line", "position", "owners", "removed"])

    before = [mention.item_id for mention in old]  # the items its minutes wrote already
    actions = [line for line in new if line.kind == Item.Kind.ACTION]
    if actions:
        found = Matcher(meeting, teams, resolver, written=before).match(actions)
        for line, guess in zip(actions, found, strict=True):
            line.match, line.weaker = guess.match, guess.weaker
    repeated = [line for line in new if line.match]
    add_mentions(meeting, repeated, resolver)
    fresh = [line for line in new if not line.match]
    made = [item.pk for item in create_items(meeting, fresh, resolver)]
    result.added.extend(line.text for line in new)
    result.linked = len(repeated)
    if touched:
        Item.objects.filter(pk__in={m.item_id for m in touched}).refresh_from_mentions()
    repeated_ids = [line.match.earlier.item.pk for line in repeated]
    return before + repeated_ids + made, made


def write_done_suggestions(meeting, teams, minutes, outcome):
    """What this meeting says is done, as suggestions on the open items it names."""
    if outcome == Outcome.UPDATED:
        DoneSuggestion.objects.filter(meeting=meeting, state=Verdict.PENDING).delete()
    said = [
        Said(s.text, s.line, tuple(s.speakers)) for t in minutes.topics for s in t.statements
    ] + [Said(d.text, d.line) for d in minutes.decisions]
    DoneSuggestion.objects.bulk_create(suggest_done(meeting, teams, said), ignore_conflicts=True)


def add_mentions(meeting, repeated, resolver):
    """Lines that repeat an open item become mentions of it; owners follow the minutes."""
    Mention.objects.bulk_create(
        Mention(
            item=line.match.earlier.item,
            meeting=meeting,
            owners=line.owners,
            text=line.text,
            line=line.line,
            position=line.position,
            reason=fit(Mention, "reason", line.match.reason),
            score=line.match.score,
        )
        for line in repeated
    )
    Link.objects.bulk_create(
        (
            Link(item=line.match.earlier.item, url=url)
            for line in repeated
            for url in line.match.links
        ),
        ignore_conflicts=True,
    )
    reopen([line.match.earlier.item for line in repeated if line.match.reopens], meeting)
    # Kept in step here rather than recounted: an item carried over for
    # years has hundreds of mentions. Each item is repeated once at most and
    # most keep their text, so one UPDATE with a WHEN per changed text only,
    # not bulk_update's CASE over every item and field (slow to build).
    later, texts = [], {}
    for line in repeated:
        item = line.match.earlier.item
        item.mention_count += 1
        if meeting.date >= (item.last_raised or item.raised):
            if item.text != line.text:
                texts[item.pk] = line.text
            item.text, item.last_raised = line.text, meeting.date
            later.append(item.pk)
    if repeated:
        changes = {"mention_count": F("mention_count") + 1}
        if later:
            changes["last_raised"] = Case(
                When(pk__in=later, then=Value(meeting.date)),
                default=F("last_raised"),
                output_field=Item._meta.get_field("last_raised"),
            )
        if texts:
            changes["text"] = Case(
                *(When(pk=pk, then=Value(text)) for pk, text in texts.items()),
                default=F("text"),
                output_field=Item._meta.get_field("text"),
            )
        repeated_ids = [line.match.earlier.item.pk for line in repeated]
        Item.objects.filter(pk__in=repeated_ids).update(**changes)
    changed = [
        (line, line.match.earlier)
        for line in repeated
        if sorted(name_key(o) for o in line.owners) != line.match.earlier.owner_keys
    ]
    if not changed:
        return
    Owner.objects.filter(item__in=[earlier.item for _, earlier in changed]).delete()
    Owner.objects.bulk_create(
        name_ref(Owner, name, position, resolver, item=earlier.item)
        for line, earlier in changed
        for position, name in enumerate(line.owners)
    )
    Event.objects.bulk_create(
        Event(
            item=earlier.item,
            kind=Event.Kind.OWNERS,
            text=(
                f"Owners changed from {', '.join(earlier.owners) or 'none'} "
                f"to {', '.join(line.owners) or 'none'} by the minutes of {meeting.date}."
            ),
        )
        for line, earlier in changed
    )


def create_items(meeting, lines, resolver):
    items = Item.objects.bulk_create(
        Item(
            kind=line.kind,
            text=line.text,
            meeting=meeting,
            raised=meeting.date,
            last_raised=meeting.date,
        )
        for line in lines
    )
    Mention.objects.bulk_create(
        Mention(
            item=item,
            meeting=meeting,
            owners=line.owners,
            text=line.text,
            line=line.line,
            position=line.position,
        )
        for item, line in zip(items, lines, strict=True)
    )
    Owner.objects.bulk_create(
        name_ref(Owner, name, position, resolver, item=item)
        for item, line in zip(items, lines, strict=True)
        for position, name in enumerate(line.owners)
    )
    Link.objects.bulk_create(
        Link(item=item, url=url)
        for item, line in zip(items, lines, strict=True)
        for url in line.links
    )
    Candidate.objects.bulk_create(
        (
            Candidate(
                earlier=match.earlier.item,
                later=item,
                score=match.score,
                reason=fit(Candidate, "reason", match.reason),
            )
            for item, line in zip(items, lines, strict=True)
            for match in line.weaker
        ),
        ignore_conflicts=True,
    )
    return items


def name_ref(model, name, position, resolver, **fields):
    """An owner or speaker as written, and who it is."""
    found = resolver.resolve(name)
    return model(
        name=name,
        key=name_key(name),
        is_group=found.is_group or is_group(name),
        person=found.person,
        evidence=found.evidence[:300],
        candidates=list(found.candidates),
        position=position,
        **fields,
    )


def item_counts(meeting):
    counts = {"action_items": 0, "decisions": 0}
    for kind in meeting.mentions.filter(removed=False).values_list("item__kind", flat=True):
        counts["action_items" if kind == Item.Kind.ACTION else "decisions"] += 1
    return counts


def fit(model, field_name, text):
    """``text`` cut to the column's size: a reason quotes a link, and links are long."""
    limit = model._meta.get_field(field_name).max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


def aware(value):
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


def free_slug(name):
    base = slugify(name)[:90] or "team"
    slug, n = base, 1
    while Team.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
