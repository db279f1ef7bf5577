"""Generate a realistic corpus of meeting minutes, for benchmarks.

The files follow MINUTES_FORMAT.md and look like the minutes real teams
write: people sign in with handles and are named by initials, handles or
first names; about half of a meeting's action items are carried over from
the team's earlier meetings (same owners, same or slightly reworded text, same
pull-request URL) and the rest are new, with a text the team has not used
before; every owner form appears (``MP:``, ``MP/TK:``, ``Everyone:``,
``MP to ...``, ``Maria and Tom to ...``, a bare ``MP:`` over a list, ``MP: text``
with a detail list). The output depends only on the arguments.

    python benchmarks/generate.py OUT_DIR --meetings 5000 --teams 8 --seed 1

or, from a benchmark, ``generate(out_dir, meetings=5000, teams=8)``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

FIRST_DATE = dt.date(2022, 1, 3)
ORG_URL = "https://github.com/acme-oss"
REPOS = ["core", "cli", "docs", "website"]

NAMES = [
    "Maria Popescu",
    "Tom Keller",
    "Ana Lopes",
    "Jonas Berg",
    "Samir Bakri",
    "Keira Owens",
    "Ivo Marek",
    "Alex Lindqvist",
    "Priya Shah",
    "Hugo Moreau",
    "Nina Weiss",
    "Lena Vogt",
    "Omar Haddad",
    "Elena Petrova",
    "Radu Nichita",
    "Sofia Rossi",
    "Pavel Novak",
    "Ines Duarte",
    "Yuki Tanaka",
    "Felix Braun",
    "Chen Wei",
    "Marta Pereira",
    "David Cohen",
    "Lucia Silva",
    "Bogdan Ionescu",
    "Irina Volkova",
    "Kofi Mensah",
    "Noor Aziz",
    "Erik Hansen",
    "Zara Malik",
    "Mihai Stan",
    "Julia Kowalski",
    "Diego Ortega",
    "Hana Sato",
    "Victor Dumitru",
    "Amir Rahimi",
    "Clara Costa",
    "Tariq Farouk",
    "Olga Orlova",
    "Rui Matos",
]

COMPONENTS = [
    "the build cache",
    "the template engine",
    "the plugin loader",
    "the config parser",
    "the dev server",
    "the image pipeline",
    "the search index",
    "the CLI",
    "the release scripts",
    "the CI pipeline",
    "the theme system",
    "the sitemap generator",
    "the link checker",
    "the Markdown renderer",
    "the asset bundler",
    "the feed writer",
    "the i18n loader",
    "the file watcher",
    "the data loader",
    "the URL router",
]
FEATURES = [
    "incremental builds",
    "live reload",
    "multilingual sites",
    "RSS feeds",
    "shortcodes",
    "syntax highlighting",
    "image resizing",
    "taxonomies",
    "pagination",
    "draft pages",
    "custom outputs",
    "remote data sources",
    "the plugin API",
    "dark mode themes",
    "math rendering",
    "redirects",
    "page bundles",
    "related content",
    "table of contents",
    "asset fingerprinting",
]
PLATFORMS = ["Windows", "macOS", "ARM64", "Alpine", "FreeBSD", "Docker", "Nix", "WSL"]
BUGS = [
    "the crash on empty front matter",
    "the broken relative links",
    "the memory leak in watch mode",
    "the slow rebuild on large sites",
    "the wrong dates in feeds",
    "the flaky integration tests",
    "the encoding error on BOM files",
    "the race in parallel rendering",
    "the missing trailing slashes",
    "the duplicate page IDs",
    "the stale cache after renames",
    "the timezone offset bug",
    "the unescaped HTML in titles",
    "the high CPU use when idle",
    "the broken symlink handling",
    "the lost query strings",
]
THINGS = [
    "the changelog",
    "the contributing guide",
    "the release checklist",
    "the roadmap",
    "the README",
    "the issue templates",
    "the security policy",
    "the Homebrew formula",
    "the Docker image",
    "the upgrade notes",
    "the benchmark page",
    "the governance document",
]
EVENTS = [
    "the release",
    "the community call",
    "the conference talk",
    "the workshop",
    "the blog post",
]
# A verb first, then slots filled from the lists above.
TEMPLATES = [
    "Review {pr}",
    "Rebase {pr} on main",
    "Address the comments on {pr}",
    "Fix {bug} in {component} ({issue})",
    "Fix {bug} on {platform}",
    "Open a PR for {feature} in {component}",
    "Write the docs for {feature} in {component}",
    "Investigate {bug} on {platform}",
    "Investigate why {component} is slow on {platform}",
    "Update {thing} for {version}",
    "Test {feature} on {platform}",
    "Test {feature} with {component} ({issue})",
    "Add tests for {feature} in {component}",
    "Ask {person} about {feature} in {component}",
    "Prepare {event} for {version}",
    "Benchmark {component} against {version}",
    "Port {component} to {platform}",
    "Write a design note on {feature} for {component}",
    "Triage the {platform} issues in {component}",
]
REWORDINGS = {
    "Review": ["Finish the review of", "Do a second review of"],
    "Rebase": ["Rebase again", "Rebase and update"],
    "Address": ["Finish addressing", "Answer"],
    "Fix": ["Finish the fix for", "Push the fix for"],
    "Open": ["Finally open", "Still open"],
    "Write": ["Finish writing", "Complete"],
    "Investigate": ["Keep investigating", "Look again into"],
    "Update": ["Finish updating", "Refresh"],
    "Test": ["Finish testing", "Retest"],
    "Add": ["Finish adding", "Land"],
    "Ask": ["Follow up with", "Remind"],
    "Prepare": ["Finish preparing", "Wrap up"],
    "Benchmark": ["Rerun the benchmark of", "Redo the benchmark of"],
    "Port": ["Finish porting", "Keep porting"],
    "Triage": ["Finish triaging", "Keep triaging"],
}
SUFFIXES = [" this week", " before the release", " (still open)", " asap", "", ""]
DETAILS = [
    "check the CI logs first",
    "ping the reviewers on chat",
    "keep the old behaviour behind a flag",
    "add a note to the changelog",
    "compare with the last release",
    "coordinate with the docs team",
]
AGENDA = [
    "Status update",
    "Next steps",
    "Reviews",
    "Release planning",
    "CI/CD",
    "Documentation",
    "Community",
    "Performance",
    "Security",
    "Packaging",
    "Roadmap",
    "Open issues",
    "Other topics",
]


@dataclass(frozen=True)
class Person:
    handle: str
    first: str
    initials: str | None


@dataclass(eq=False)  # two tasks with the same text are still two tasks
class Task:
    owners: tuple[Person, ...]  # empty: an ``Everyone`` task
    text: str
    form: str  # "colon", "to", "bare" or "details"
    style: str  # how owners are named: "initials", "handle" or "first"
    url: str | None = None
    details: tuple[str, ...] = ()

    def wording(self, rng: random.Random) -> str:
        """The text as a later meeting copies it: the same, or slightly reworded."""
        if rng.random() < 0.7:
            return self.text
        verb, rest = self.text.split(" ", 1)
        return f"{rng.choice(REWORDINGS[verb])} {rest}{rng.choice(SUFFIXES)}"


def people_pool() -> list[Person]:
    """Forty people: mostly ``MariaP`` handles, some full names, some first names alone."""
    pool = []
    for i, name in enumerate(NAMES):
        first, last = name.split()
        handle = {3: name, 7: first, 9: first + last}.get(i % 10, first + last[0])
        capitals = "".join(re.findall(r"[A-Z]", handle))
        pool.append(Person(handle, first, capitals if len(capitals) >= 2 else None))
    return pool


@dataclass
class Team:
    name: str
    roster: list[Person]
    weekday: int
    hour: int
    major: int
    scheduled: dt.date | None = None
    dates: list[dt.date] = field(default_factory=list)
    open: list[Task] = field(default_factory=list)  # most recently mentioned last
    done: list[Task] = field(default_factory=list)  # to be told at the next meeting
    texts: set[str] = field(default_factory=set)  # every new task's text so far

    @property
    def version(self) -> str:
        releases = len(self.dates) // 6  # one release every six meetings
        return f"{self.major + releases // 12}.{releases % 12}"

    def next_date(self, rng: random.Random) -> dt.date:
        """The team meets weekly on its day, sometimes skips a week or moves a day."""
        if self.scheduled is None:
            self.scheduled = FIRST_DATE + dt.timedelta(days=self.weekday)
        else:
            self.scheduled += dt.timedelta(weeks=rng.choice([1, 1, 1, 1, 1, 2]))
        date = self.scheduled
        if rng.random() < 0.1:
            date += dt.timedelta(days=rng.choice([-1, 1]))
        # Two meetings of a team on one day would share a file name: move later.
        while self.dates and date <= self.dates[-1]:
            date += dt.timedelta(days=1)
        self.dates.append(date)
        return date


class Meeting:
    """One minutes file of a team: who came, what they said, what they will do."""

    def __init__(self, team: Team, date: dt.date, rng: random.Random, counters: dict):
        self.team = team
        self.date = date
        self.rng = rng
        self.counters = counters  # the last issue or PR number of each repository
        self.participants = rng.sample(team.roster, rng.randint(4, min(12, len(team.roster))))
        initials = [p.initials for p in self.participants if p.initials]
        self.ambiguous = {i for i in initials if initials.count(i) > 1}

    # Naming people

    def name(self, person: Person, style: str) -> str:
        if style == "handle":
            return person.handle
        if style == "first":
            return person.first
        if person.initials and person.initials not in self.ambiguous:
            return person.initials
        return person.handle

    def speaker(self) -> str:
        style = self.rng.choices(["initials", "handle", "first"], [8, 1, 1])[0]
        return self.name(self.rng.choice(self.participants), style)

    def owners(self, task: Task) -> str:
        if not task.owners:
            return "Everyone"
        # Only initials name someone who did not come: a handle or first name
        # that is no participant's is no name to the parser.
        styles = [task.style if p in self.participants else "initials" for p in task.owners]
        if task.form == "to" and len(task.owners) == 2:
            styles = ["first" if s != "initials" else s for s in styles]
            return " and ".join(map(self.name, task.owners, styles))
        return "/".join(map(self.name, task.owners, styles))

    def can_name(self, task: Task) -> bool:
        """Whether the task's owners can be named here, with initials for those absent."""
        taken = {p.initials for p in self.participants}
        return all(
            p in self.participants or (p.initials and p.initials not in taken) for p in task.owners
        )

    # Making things up

    def url(self, kind: str) -> str:
        repo = self.rng.choice(REPOS)
        self.counters[repo] = self.counters.get(repo, 100) + self.rng.randint(1, 3)
        return f"{ORG_URL}/{repo}/{kind}/{self.counters[repo]}"

    def new_text(self, owners: tuple[Person, ...]) -> tuple[str, str | None]:
        rng = self.rng
        template = rng.choice(TEMPLATES)
        url = None
        if "{pr}" in template:
            url = self.url("pull")
        elif "{issue}" in template or rng.random() < 0.25:
            url = self.url("issues")
            if "{issue}" not in template:
                template += " ({issue})"
        text = template.format(
            pr=url,
            issue=url,
            bug=rng.choice(BUGS),
            component=rng.choice(COMPONENTS),
            feature=rng.choice(FEATURES),
            platform=rng.choice(PLATFORMS),
            thing=rng.choice(THINGS),
            event=rng.choice(EVENTS),
            person=rng.choice([p for p in self.team.roster if p not in owners]).first,
            version=self.team.version,
        )
        return text, url

    def new_task(self) -> Task:
        rng = self.rng
        shape = rng.random()
        if shape < 0.05:
            owners: tuple[Person, ...] = ()
        elif shape < 0.25:
            owners = tuple(rng.sample(self.participants, 2))
        else:
            owners = (rng.choice(self.participants),)
        # A new task says something the team has not said before.
        text, url = self.new_text(owners)
        while text in self.team.texts:
            text, url = self.new_text(owners)
        self.team.texts.add(text)
        form = rng.choices(["colon", "to", "bare", "details"], [12, 4, 3, 1])[0]
        if len(owners) != 1 and form in ("bare", "details"):
            form = "colon"
        details = tuple(rng.sample(DETAILS, rng.randint(2, 3))) if form == "details" else ()
        style = rng.choices(["initials", "handle", "first"], [7, 2, 1])[0]
        return Task(owners, text, form, style, url, details)

    # Writing

    def write(self, path: Path) -> None:
        rng = self.rng
        agenda = rng.sample(AGENDA, rng.randint(3, 8))
        lines = self.front_matter()
        lines += ["### Agenda", ""] + [f"* {item}" for item in agenda] + [""]
        lines += ["### Discussions", ""]
        news = self.done_news()
        for title in rng.sample(agenda, min(len(agenda), rng.randint(2, 5))):
            count = rng.randint(2, 8)
            told, news = news[:count], []  # what was done since last time: first topic
            lines += [f"#### {title}", ""]
            lines += [line for statement in told for line in (statement, "")]
            lines += self.statements(count - len(told))
        lines += ["### TODOs and Decisions", ""]
        lines += self.action_items()
        path.write_text("\n".join(lines), encoding="utf-8")

    def front_matter(self) -> list[str]:
        offset = "+02:00" if 4 <= self.date.month <= 10 else "+01:00"
        lines = ["---"]
        if self.rng.random() < 0.5:
            title = self.team.name.replace("-", " ").title()
            lines.append(f'title: "{title}, {self.date:%B} {self.date.day}, {self.date.year}"')
        lines += [
            f"datetime: {self.date.isoformat()}T{self.team.hour:02d}:00:00{offset}",
            f"location: Online, Jitsi (https://meet.example.org/{self.team.name})",
            "teams:",
            f"  - {self.team.name}",
            "participants:",
        ]
        lines += [f"  - {p.handle}" for p in self.participants]
        return [*lines, "---", ""]

    def done_news(self) -> list[str]:
        statements = []
        for task in self.team.done:
            present = [p for p in task.owners if p in self.participants]
            speaker = self.name(present[0], task.style) if present else self.speaker()
            if task.url and "/pull/" in task.url:
                statements.append(f"{speaker}: {task.url} is merged.")
            else:
                statements.append(f"{speaker}: Done: {task.text}.")
        self.team.done = []
        return statements

    def statements(self, count: int) -> list[str]:
        rng = self.rng
        pick = rng.choice
        lines = []
        for _ in range(count):
            kind = rng.randrange(8)
            if kind == 0:
                sentence = f"I looked into {pick(COMPONENTS)}."
            elif kind == 1:
                sentence = f"The PR for {pick(FEATURES)} is ready for review: {self.url('pull')}"
            elif kind == 2:
                sentence = f"I need a review from {pick(self.participants).first}."
            elif kind == 3:
                sentence = f"There is still {pick(BUGS)}."
            elif kind == 4:
                sentence = f"{pick(PLATFORMS)} support for {pick(FEATURES)} works now."
            elif kind == 5:
                sentence = f"We should move {pick(FEATURES)} to the next release."
            elif kind == 6:
                sentence = "No updates from me this week."
            else:
                sentence = f"I opened an issue: {self.url('issues')}"
            if rng.random() < 0.2:
                sentence += f"\nIt depends on {pick(COMPONENTS)}."
            if rng.random() < 0.05:
                lines += [sentence, ""]  # a paragraph with no speaker
            else:
                lines += [f"{self.speaker()}: {sentence}", ""]
        return lines

    def action_items(self) -> list[str]:
        rng = self.rng
        team = self.team
        count = rng.randint(10, 40)
        present = set(self.participants)
        # Carry over the team's recent open items, mostly those whose owners came.
        recent = team.open[-2 * count :]
        candidates = [
            t
            for t in recent
            if (set(t.owners) <= present if t.owners else rng.random() < 0.5)
            or (rng.random() < 0.15 and self.can_name(t))
        ]
        carried = rng.sample(candidates, min(len(candidates), round(count * rng.uniform(0.4, 0.6))))
        new = [self.new_task() for _ in range(count - len(carried))]
        tasks = carried + new
        rng.shuffle(tasks)

        paragraphs = rng.random() < 0.75
        lines: list[str] = []
        bare: dict[str, list[str]] = {}  # a bare "OWNER:" over a list of their items
        for task in tasks:
            text = task.wording(rng) if task in carried else task.text
            owners = self.owners(task)
            if task.form == "bare" and paragraphs:
                bare.setdefault(owners, []).append(text)
            elif task.form == "details" and paragraphs:
                lines += [f"{owners}: {text}:", *(f"- {d}" for d in task.details), ""]
            elif task.form == "to":
                lines += [f"{owners} to {text[0].lower()}{text[1:]}", ""]
            else:
                lines += [f"{owners}: {text}", ""]
        for owners, texts in bare.items():
            lines += [f"{owners}:", ""]
            lines += [f"- {text}" for text in texts] + [""]
        decisions = {self.decision() for _ in range(rng.randint(0, 3))}
        lines += [line for decision in sorted(decisions) for line in (decision, "")]
        if not paragraphs:
            lines = [f"- {line}" for line in lines if line]

        for task in carried:
            team.open.remove(task)
            (team.done if rng.random() < 0.3 else team.open).append(task)
        team.open += new
        del team.open[:-200]  # what nobody mentions for long is forgotten
        return lines

    def decision(self) -> str:
        rng = self.rng
        later = self.date + dt.timedelta(days=rng.choice([7, 14]))
        feature = rng.choice(FEATURES)
        return rng.choice(
            [
                f"We meet next on {later:%A}, {later:%B} {later.day}, {later.year}.",
                f"{feature[0].upper()}{feature[1:]} moves to the next release.",
                f"Version {self.team.version} ships without {rng.choice(FEATURES)}.",
                f"We keep {rng.choice(COMPONENTS)} as it is for now.",
            ]
        )


def generate(out_dir: Path, meetings: int, teams: int = 1, seed: int = 1) -> list[Path]:
    """Write ``meetings`` minutes files under ``out_dir``/team-NN/ and return their paths."""
    rng = random.Random(seed)
    pool = people_pool()
    all_teams = [
        Team(
            name=f"team-{i:02d}",
            roster=rng.sample(pool, rng.randint(12, 18)),
            weekday=i % 5,
            hour=rng.choice([10, 11, 13, 15, 16]),
            major=rng.randint(1, 9),
        )
        for i in range(teams)
    ]
    weights = [rng.uniform(0.5, 1.5) for _ in all_teams]
    counters: dict[str, int] = {}
    out_dir = Path(out_dir)
    for team in all_teams:
        (out_dir / team.name).mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(meetings):
        # Every team meets once, then the busier teams meet more often.
        team = all_teams[i] if i < teams else rng.choices(all_teams, weights)[0]
        date = team.next_date(rng)
        path = out_dir / team.name / f"{date.isoformat()}.md"
        Meeting(team, date, rng, counters).write(path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a corpus of realistic minutes files.")
    parser.add_argument("out_dir", type=Path, help="where to write (one folder per team)")
    parser.add_argument("--meetings", type=int, required=True, help="how many files")
    parser.add_argument("--teams", type=int, default=1, help="how many teams (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same files")
    args = parser.parse_args(argv)
    if args.meetings < 0 or args.teams < 1:
        parser.error("--meetings must be at least 0 and --teams at least 1")
    paths = generate(args.out_dir, args.meetings, args.teams, args.seed)
    print(f"Wrote {len(paths)} files to {args.out_dir}")


if __name__ == "__main__":
    main()
