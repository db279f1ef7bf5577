"""Generate a realistic corpus of meeting minutes, for benchmarks.

The files follow MINUTES_FORMAT.md and look like the minutes real teams
write: people sign in with handles and are named by initials, handles or
first names; about half of a meeting's action items are carried over from
the team's earlier meetings (same owner, same or slightly reworded text, same
pull-request URL), and every owner form appears (``MP:``, ``MP/TK:``,
``Everyone:``, ``MP to ...``, ``Maria and Tom to ...``, a bare ``MP:`` over a
list, ``MP: text`` with a detail list). The output depends only on the seed.

    python benchmarks/generate.py OUT_DIR --meetings 5000 --teams 8 --seed 1

or, from a benchmark, ``generate(out_dir, meetings=5000, teams=8)``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from dataclasses import dataclass
from pathlib import Path

FIRST_DATE = dt.date(2022, 1, 3)
ORG_URL = "https://github.com/acme-oss"
REPOS = ["core", "cli", "docs", "website"]

FIRST_NAMES = (
    "Maria Tom Ana Jonas Samir Keira Ivo Alex Priya Hugo Nina Lena Omar Elena "
    "Radu Sofia Pavel Ines Yuki Felix Chen Marta David Lucia Bogdan Irina Kofi "
    "Noor Erik Zara Mihai Julia Diego Hana Victor Amir Clara Tariq Olga Rui"
).split()
LAST_NAMES = (
    "Popescu Keller Lopes Berg Bakri Owens Marek Lindqvist Shah Moreau Weiss "
    "Vogt Haddad Petrova Nichita Rossi Novak Duarte Tanaka Braun Wei Pereira "
    "Cohen Silva Ionescu Volkova Mensah Aziz Hansen Malik Stan Kowalski Ortega "
    "Sato Dumitru Rahimi Costa Farouk Orlova Matos"
).split()

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
]
PLATFORMS = ["Windows", "macOS", "ARM64", "Alpine", "FreeBSD", "Docker"]
BUGS = [
    "the crash on empty front matter",
    "the broken relative links",
    "the memory leak in watch mode",
    "the slow rebuild on large sites",
    "the wrong dates in feeds",
    "the flaky integration tests",
    "the encoding error on BOM files",
    "the race in parallel rendering",
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
]
EVENTS = ["the next release", "the community call", "the conference talk", "the workshop"]
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
VERB_ALTERNATIVES = {
    "Review": ["Finish the review of", "Do a second review of"],
    "Fix": ["Finish the fix for", "Push the fix for"],
    "Write": ["Finish writing", "Complete"],
    "Investigate": ["Keep investigating", "Look again into"],
    "Update": ["Finish updating", "Bring up to date"],
    "Test": ["Finish testing", "Retest"],
    "Add": ["Finish adding", "Land"],
    "Open": ["Finally open", "Open"],
    "Rebase": ["Rebase again", "Rebase and update"],
    "Prepare": ["Finish preparing", "Wrap up"],
    "Ask": ["Ask again", "Follow up with"],
    "Set": ["Finish setting", "Set"],
    "Benchmark": ["Rerun the benchmark of", "Benchmark again"],
    "Address": ["Address the remaining comments on", "Address"],
    "Port": ["Finish porting", "Port"],
}
SUFFIXES = [" this week", " before the release", " (still open)", " asap", ""]
DETAILS = [
    "check the CI logs first",
    "ping the reviewers on chat",
    "keep the old behaviour behind a flag",
    "add a note to the changelog",
    "compare with the last release",
    "coordinate with the docs team",
]


@dataclass(frozen=True)
class Person:
    handle: str
    first: str
    initials: str | None


@dataclass
class Task:
    owners: tuple[Person, ...]  # empty: an ``Everyone`` task
    verb: str
    rest: str
    url: str | None
    form: str  # "colon", "to", "bare", "details"
    style: str  # how owners are named: "initials", "handle", "first"
    details: tuple[str, ...] = ()

    def text(self, rng: random.Random, reword: bool) -> str:
        verb = self.verb
        suffix = ""
        if reword:
            verb = rng.choice(VERB_ALTERNATIVES.get(verb, [verb]))
            suffix = rng.choice(SUFFIXES)
        return f"{verb} {self.rest}{suffix}".strip()


def initials_of(handle: str) -> str | None:
    capitals = "".join(re.findall(r"[A-Z]", handle))
    return capitals if 2 <= len(capitals) <= 4 else None


def people_pool() -> list[Person]:
    """Forty people: mostly ``MariaP`` handles, some full names, some first names alone."""
    pool = []
    for i, (first, last) in enumerate(zip(FIRST_NAMES, LAST_NAMES, strict=True)):
        if i % 10 == 3:
            handle = f"{first} {last}"
        elif i % 10 == 7:
            handle = first
        elif i % 10 == 9:
            handle = f"{first}{last}"
        else:
            handle = f"{first}{last[0]}"
        pool.append(Person(handle, first, initials_of(handle)))
    return pool


class Team:
    def __init__(self, index: int, pool: list[Person], rng: random.Random):
        self.name = f"team-{index:02d}"
        self.roster = rng.sample(pool, rng.randint(12, 18))
        self.weekday_offset = index % 5
        self.hour = rng.choice([10, 11, 13, 15, 16])
        self.dates: set[dt.date] = set()
        self.last_date: dt.date | None = None
        self.open: list[Task] = []  # most recently mentioned last
        self.done: list[Task] = []  # to be announced in the next meeting
        self.version = rng.randint(1, 9)

    def next_date(self, rng: random.Random) -> dt.date:
        if self.last_date is None:
            date = FIRST_DATE + dt.timedelta(days=self.weekday_offset)
        else:
            date = self.last_date + dt.timedelta(weeks=rng.choice([1, 1, 1, 1, 1, 2]))
            if rng.random() < 0.1:
                date += dt.timedelta(days=rng.choice([-1, 1]))
        # Two meetings of a team on one day would share a file name: move later.
        while date in self.dates or (self.last_date and date <= self.last_date):
            date += dt.timedelta(days=1)
        self.dates.add(date)
        self.last_date = date
        return date


class Meeting:
    """Writes one minutes file for a team."""

    def __init__(self, team: Team, date: dt.date, rng: random.Random, counters: dict):
        self.team = team
        self.date = date
        self.rng = rng
        self.counters = counters
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
        if task.form == "to" and len(task.owners) == 2:
            return " and ".join(self.name(p, "first") for p in task.owners)
        return "/".join(self.name(p, task.style) for p in task.owners)

    # Making things up

    def url(self, kind: str) -> str:
        repo = self.rng.choice(REPOS)
        self.counters[repo] = self.counters.get(repo, 100) + self.rng.randint(1, 3)
        return f"{ORG_URL}/{repo}/{kind}/{self.counters[repo]}"

    def new_task(self) -> Task:
        rng = self.rng
        pick = rng.choice
        url = None
        kind = rng.randrange(14)
        if kind == 0:
            url = self.url("pull")
            verb, rest = "Review", url
        elif kind == 1:
            url = self.url("pull")
            verb, rest = "Rebase", f"{url} on main"
        elif kind == 2:
            url = self.url("pull")
            verb, rest = "Address", f"the comments on {url}"
        elif kind == 3:
            url = self.url("issues")
            verb, rest = "Fix", f"{pick(BUGS)} ({url})"
        elif kind == 4:
            verb, rest = "Open", f"a PR for {pick(FEATURES)} in {pick(COMPONENTS)}"
        elif kind == 5:
            verb, rest = "Write", f"the docs for {pick(FEATURES)}"
        elif kind == 6:
            verb, rest = "Investigate", f"{pick(BUGS)} on {pick(PLATFORMS)}"
        elif kind == 7:
            verb, rest = "Update", pick(THINGS)
        elif kind == 8:
            verb, rest = "Test", f"{pick(FEATURES)} on {pick(PLATFORMS)}"
        elif kind == 9:
            verb, rest = "Add", f"tests for {pick(COMPONENTS)}"
        elif kind == 10:
            other = pick(self.team.roster).first
            verb, rest = "Ask", f"{other} about {pick(FEATURES)}"
        elif kind == 11:
            verb, rest = "Prepare", f"{pick(EVENTS)} for version {self.team.version}.{rng.randint(0, 20)}"
        elif kind == 12:
            verb, rest = "Benchmark", f"{pick(COMPONENTS)} against the last release"
        else:
            verb, rest = "Port", f"{pick(COMPONENTS)} to {pick(PLATFORMS)}"

        shape = rng.random()
        if shape < 0.08:
            owners: tuple[Person, ...] = ()
        elif shape < 0.25:
            owners = tuple(rng.sample(self.participants, 2))
        else:
            owners = (rng.choice(self.participants),)
        form = rng.choices(["colon", "to", "bare", "details"], [12, 4, 3, 1])[0]
        if not owners and form in ("bare", "details"):
            form = "colon"
        if len(owners) == 2 and form in ("bare", "details"):
            form = "colon"
        details = tuple(rng.sample(DETAILS, rng.randint(2, 3))) if form == "details" else ()
        style = rng.choices(["initials", "handle", "first"], [7, 2, 1])[0]
        return Task(owners, verb, rest, url, form, style, details)

    # Writing

    def write(self, path: Path) -> None:
        rng = self.rng
        agenda = rng.sample(AGENDA, rng.randint(3, 8))
        lines = self.front_matter()
        lines += ["### Agenda", ""] + [f"* {item}" for item in agenda] + [""]
        lines += ["### Discussions", ""]
        for title in rng.sample(agenda, min(len(agenda), rng.randint(2, 5))):
            lines += [f"#### {title}", ""]
            lines += self.statements()
        if self.team.done:
            lines += ["#### Done since last time", ""]
            for task in self.team.done:
                if task.url and "/pull/" in task.url:
                    lines += [f"{self.speaker()}: {task.url} is merged.", ""]
                else:
                    lines += [f"{self.speaker()}: Done: {task.text(rng, False)}.", ""]
            self.team.done = []
        lines += ["### TODOs and Decisions", ""]
        lines += self.action_items()
        path.write_text("\n".join(lines), encoding="utf-8")

    def front_matter(self) -> list[str]:
        offset = "+02:00" if 4 <= self.date.month <= 10 else "+01:00"
        when = f"{self.date.isoformat()}T{self.team.hour:02d}:00:00{offset}"
        lines = ["---"]
        if self.rng.random() < 0.5:
            title = self.team.name.replace("-", " ").title()
            lines.append(f'title: "{title}, {self.date:%B} {self.date.day}, {self.date.year}"')
        lines += [
            f"datetime: {when}",
            f"location: Online, Jitsi (https://meet.example.org/{self.team.name})",
            "teams:",
            f"  - {self.team.name}",
            "participants:",
        ]
        lines += [f"  - {p.handle}" for p in self.participants]
        return [*lines, "---", ""]

    def statements(self) -> list[str]:
        rng = self.rng
        lines = []
        for _ in range(rng.randint(2, 8)):
            sentence = rng.choice(
                [
                    f"I looked into {rng.choice(COMPONENTS)}.",
                    f"The PR for {rng.choice(FEATURES)} is ready for review: {self.url('pull')}",
                    f"I need a review from {rng.choice(self.participants).first}.",
                    f"There is still {rng.choice(BUGS)}.",
                    f"{rng.choice(FEATURES).capitalize()} works on {rng.choice(PLATFORMS)} now.",
                    f"We should move {rng.choice(FEATURES)} to the next release.",
                    "No updates from me this week.",
                    f"I opened an issue: {self.url('issues')}",
                ]
            )
            if rng.random() < 0.2:
                sentence += f"\nIt depends on {rng.choice(COMPONENTS)}."
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
        candidates = [t for t in recent if set(t.owners) <= present or rng.random() < 0.15]
        carried = rng.sample(candidates, min(len(candidates), round(count * rng.uniform(0.4, 0.6))))
        tasks = [(t, rng.random() < 0.3) for t in carried]  # (task, reworded)
        tasks += [(self.new_task(), False) for _ in range(count - len(carried))]
        rng.shuffle(tasks)

        paragraphs = rng.random() < 0.75
        lines: list[str] = []
        bare: dict[Person, list[str]] = {}
        for task, reword in tasks:
            text = task.text(rng, reword)
            owners = self.owners(task)
            if task.form == "bare" and paragraphs:
                bare.setdefault(task.owners[0], []).append(text)
            elif task.form == "details" and paragraphs:
                lines += [f"{owners}: {text}:", *(f"- {d}" for d in task.details), ""]
            elif task.form == "to":
                lines += [f"{owners} to {text[0].lower()}{text[1:]}", ""]
            else:
                lines += [f"{owners}: {text}", ""]
        for person, texts in bare.items():
            lines += [f"{self.name(person, 'initials')}:", ""]
            lines += [f"- {text}" for text in texts] + [""]
        for _ in range(rng.randint(0, 3)):
            lines += [self.decision(), ""]
        if not paragraphs:
            lines = [f"- {line}" if line and line[0] != "-" else line for line in lines]
            lines = [line for line in lines if line]

        for task in carried:
            team.open.remove(task)
            if rng.random() < 0.3:
                team.done.append(task)
            else:
                team.open.append(task)
        team.open += [t for t, _ in tasks if t not in carried]
        del team.open[:-200]  # items nobody mentions for long are forgotten
        return lines

    def decision(self) -> str:
        rng = self.rng
        later = self.date + dt.timedelta(days=rng.choice([7, 14]))
        return rng.choice(
            [
                f"We meet next on {later:%A}, {later:%B} {later.day}, {later.year}.",
                f"{rng.choice(FEATURES).capitalize()} moves to the next release.",
                f"Version {self.team.version}.{rng.randint(0, 20)} ships without "
                f"{rng.choice(FEATURES)}.",
                f"We keep {rng.choice(COMPONENTS)} as it is for now.",
            ]
        )


def generate(out_dir: Path, meetings: int, teams: int = 1, seed: int = 1) -> list[Path]:
    """Write ``meetings`` minutes files under ``out_dir``/team-NN/ and return their paths."""
    rng = random.Random(seed)
    pool = people_pool()
    all_teams = [Team(i, pool, rng) for i in range(teams)]
    weights = [rng.uniform(0.5, 1.5) for _ in all_teams]
    counters: dict[str, int] = {}
    out_dir = Path(out_dir)
    for team in all_teams:
        (out_dir / team.name).mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(meetings):
        # Every team meets once before the busier ones meet more often.
        team = all_teams[i] if i < teams else rng.choices(all_teams, weights)[0]
        date = team.next_date(rng)
        path = out_dir / team.name / f"{date.isoformat()}.md"
        Meeting(team, date, rng, counters).write(path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a corpus of realistic minutes files.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--meetings", type=int, required=True)
    parser.add_argument("--teams", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.meetings < 0 or args.teams < 1:
        parser.error("--meetings must be at least 0 and --teams at least 1")
    paths = generate(args.out_dir, args.meetings, args.teams, args.seed)
    print(f"Wrote {len(paths)} files to {args.out_dir}")


if __name__ == "__main__":
    main()
