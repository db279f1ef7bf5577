"""Hand-checked parses of real minutes from the shared corpus.

Every expectation below was written by reading the minutes file and applying
MINUTES_FORMAT.md (with the six files of ``shared/examples/`` as precedent),
not by copying any program's output. None of these files is one of the six.
Texts are compared with whitespace collapsed, so a text spread over several
lines in the file is written here on one line.
"""

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

import pytest

from meetings.minutes import MinutesError, parse
from tests.helpers import require_corpus

CORPUS = require_corpus()


@dataclass(frozen=True)
class Expected:
    date: dt.date
    teams: list[str]
    participants: list[str]
    agenda: list[str]
    # Titles of the Discussions topics; None for statements before any sub-heading.
    topics: list[str | None]
    # (owners exactly as written, text without the owner prefix)
    action_items: list[tuple[list[str], str]]
    decisions: list[str]


EXPECTED = {
    # TODO lines inside Discussions are statements, not action items: §5 reads
    # only the action-items section, which here holds a single item.
    "discussions/community/2022/2022-05-26.md": Expected(
        date=dt.date(2022, 5, 26),
        teams=["community"],
        participants=["AlexJ", "Marc", "Cezar", "DragoșA", "RăzvanV", "CristiV", "RăzvanD"],
        agenda=["Planning release 0.9 (May 30, 2022)", "Others"],
        topics=[None, "Planning Release 0.9", "Others"],
        action_items=[
            (
                ["AJ"],
                "Consider a policy regarding backwards compatibility and maintenance "
                "of older releases",
            ),
        ],
        decisions=[],
    ),
    # The front matter says July 15 while the title and file name say October
    # 21: the date comes from `datetime` (§1); the file name only stands in.
    "discussions/community/2022/2022-10-21.md": Expected(
        date=dt.date(2022, 7, 15),
        teams=["community"],
        participants=[
            "Felipe",
            "Simon",
            "Adina",
            "RăzvanV",
            "RăzvanD",
            "Cezar",
            "Delia",
            "Sergiu",
            "Hugo",
            "ȘtefanJ",
            "Marc",
            "Maria",
        ],
        agenda=[
            "Community events summary (past, present)",
            "Community work groups (+ meetings, + projects)",
            "PR walkthrough of release items: https://github.com/orgs/unikraft/projects/24/views/29",
            "Others",
        ],
        topics=["Events", "Musl", "PR Preview"],
        action_items=[
            # `all` is one of the groups of §4.
            (["all"], "Merge in `staging-muslpreview`."),
            # §5.5: `TODO:` makes an unowned action item. The marker goes with
            # the prefix, as `TODO RD:` does in §4.
            ([], "Update README of `pthread-embedded` to state it clearly doesn't work."),
            # §5.3: `OWNERS: text` followed by a list is one item, list included.
            (
                ["AJ"],
                "Kick-off the CI/CD bot for PR merging: "
                "- https://github.com/unikraft/lib-python3/pull/5 "
                "- https://github.com/unikraft/lib-nginx/pull/9 "
                "- https://github.com/unikraft/unikraft/pull/559 "
                "- https://github.com/unikraft/unikraft/pull/519",
            ),
            (
                ["AJ"],
                "Reply on this PR regarding krafkit updates: "
                "https://github.com/unikraft/app-sqlite/pull/4",
            ),
            (["MS"], "Review https://github.com/unikraft/app-redis/pull/10"),
            (
                ["RD"],
                "Find assignee: "
                "- https://github.com/unikraft/app-redis/pull/10 "
                "- https://github.com/unikraft/lib-newlib/pull/24 "
                "- https://github.com/unikraft/lib-redis/pull/4 "
                "- https://github.com/unikraft/lib-openssl/pull/2 "
                "- https://github.com/unikraft/lib-fatfs/pull/1 "
                "- https://github.com/unikraft/lib-mimalloc/pull/3 "
                "- https://github.com/unikraft/lib-libsodium/pull/6 "
                "- https://github.com/unikraft/lib-lwip/pull/2 "
                "- https://github.com/unikraft/lib-omniorb/pull/1 "
                "- https://github.com/unikraft/lib-omniorbpy/pull/1]",
            ),
            (["RD"], "Review: https://github.com/unikraft/lib-libsodium/pull/6"),
            (["RD"], "Talk to MP: https://github.com/unikraft/lib-libsodium/pull/4"),
            (["MS"], "Review: https://github.com/unikraft/lib-newlib/pull/21"),
            (["RD"], "Approve: https://github.com/unikraft/lib-newlib/pull/21"),
            (["SM"], "Review: https://github.com/unikraft/lib-newlib/pull/24"),
            (["SJ"], "Review: https://github.com/unikraft/lib-newlib/pull/17"),
            (["RD"], "Approve: https://github.com/unikraft/lib-newlib/pull/17"),
            (
                ["EV", "RV", "RK", "CC"],
                "Review Musl PRs: https://github.com/unikraft/lib-musl/pulls",
            ),
            (["RK", "MP"], "Review + Approve: https://github.com/unikraft/lib-musl/pull/14"),
            (["MR"], "Approve: https://github.com/unikraft/lib-newlib/pull/24"),
            (["FP"], "Update: https://github.com/unikraft/unikraft/pull/602"),
            # `+` separates names (§4).
            (["MR", "SK"], "Review + approve: https://github.com/unikraft/unikraft/pull/602"),
            (["SK"], "Comment on the issue: https://github.com/unikraft/unikraft/issues/605"),
            (["AJ", "RD"], "https://github.com/unikraft/unikraft/pull/599"),
            (["RD"], "Approve: https://github.com/unikraft/unikraft/pull/560"),
            (["RD"], "Approve: https://github.com/unikraft/unikraft/pull/555"),
            (["RD"], "Reply: https://github.com/unikraft/unikraft/pull/554"),
            (["SK"], "Approve: https://github.com/unikraft/unikraft/pull/553"),
            (["VB"], "Review: https://github.com/unikraft/unikraft/pull/553"),
            (
                ["RD"],
                "Talk to Huang Hu about adding a function declaration of "
                "`uk_syscall_r_dup2`: https://github.com/unikraft/unikraft/pull/552",
            ),
            (["AJ"], "Approve: https://github.com/unikraft/unikraft/pull/551"),
            (["RD"], "Review: https://github.com/unikraft/unikraft/pull/546 (use `__nonnull`)"),
            (["RD", "SK"], "https://github.com/unikraft/unikraft/pull/540"),
            (["RD"], "Approve: https://github.com/unikraft/unikraft/pull/534"),
            (["SM"], "Review: https://github.com/unikraft/unikraft/pull/531"),
            (["SK"], "Approve: https://github.com/unikraft/unikraft/pull/510 (low priority)"),
            (
                ["RV"],
                "Does this make it 0.11? https://github.com/unikraft/unikraft/pull/471 "
                "(talk to Robert, Michalis)",
            ),
            # Only the text before the first `: ` is the prefix; the rest is text.
            (["RD"], "low-priority: https://github.com/unikraft/unikraft/pull/464"),
            (
                ["SK"],
                "Comment that uksignal will be reimplemeted: "
                "https://github.com/unikraft/unikraft/pull/464",
            ),
            (["RD"], "Rview: https://github.com/unikraft/unikraft/pull/463"),
            (["SK"], "Review + approve: https://github.com/unikraft/unikraft/pull/460"),
            (["MP"], "Update: https://github.com/unikraft/unikraft/pull/458"),
            (["MR"], "Appove: https://github.com/unikraft/unikraft/pull/450"),
            (["MP"], "Provide update: https://github.com/unikraft/unikraft/pull/443"),
            (["MP"], "Fix according to feedback: https://github.com/unikraft/unikraft/pull/439"),
        ],
        # `Add Sergio as reviewer` is no list of names: no owner, so a decision.
        decisions=["Add Sergio as reviewer: https://github.com/unikraft/unikraft/pull/603"],
    ),
    # The file name says June 16, the front matter May 16: the front matter wins.
    "discussions/community/2022/2022-06-16.md": Expected(
        date=dt.date(2022, 5, 16),
        teams=["community"],
        participants=["AlexJ", "Cezar", "ȘtefanJ", "AndreiM", "RăzvanD"],
        agenda=["Community summary", "Projects / People", "Others"],
        topics=["Community Summary", "Projects / People"],
        action_items=[
            (
                [],
                "synchronization between GitHub teams and the document on Google Drive: "
                "https://docs.google.com/spreadsheets/d/"
                "10DuQCr6c65Lr2Q55LzoKTnadJz8rcs4L2u0CMDR7CvM/edit#gid=0",
            ),
            ([], "synchronization between and Discord"),
            (["RD"], "Design a flow chart of managing tasks for contributors and tasks"),
            (["CC"], "Contact Simon on fixdep"),
            (["AJ"], "Add issue to output JSON from uktest"),
            (["AJ"], "Look into bots that report /mark stale issue"),
            (["RD"], "Plan to move documents on GitHub"),
            (["RD"], "Schedule talk with Simon on procfs"),
            (["AM"], "Please create a README.md inside the library"),
            (["AJ"], "Create draft PRs with uktests ported for vfscore, netdev and others"),
        ],
        decisions=[],
    ),
    # The title says July 14, the front matter April 14: the front matter wins.
    "discussions/community/2022/2022-07-14.md": Expected(
        date=dt.date(2022, 4, 14),
        teams=["community"],
        participants=["Marc", "Felipe", "Cezar", "Gabi", "AndreiM", "RăzvanV", "RăzvanD"],
        agenda=["Community summary", "Release 0.10", "Others"],
        topics=["Community Summary", "Release 0.10"],
        action_items=[
            (
                ["RD"],
                "Add Aadhi and Sairaj as reviewers: https://github.com/unikraft/unikraft/pull/488",
            ),
            (["RD"], "Review / approve: https://github.com/unikraft/unikraft/pull/487"),
            (["SK"], "Prepare 2nd review for the 4 PRs on socket driver, eventpoll etc."),
            (["SK", "MP"], "State of https://github.com/unikraft/unikraft/pull/443"),
            (["RD", "MP"], "State of https://github.com/unikraft/unikraft/pull/374"),
            (["SM"], "Review PR: https://github.com/unikraft/unikraft/pull/314"),
            (["HL"], "Review https://github.com/unikraft/unikraft/pull/219"),
            (["MR"], "State of updating https://github.com/unikraft/unikraft/pull/244"),
            (["MR"], "Approve https://github.com/unikraft/unikraft/pull/450"),
            (
                ["DA"],
                "Update https://github.com/unikraft/unikraft/pull/454, "
                "https://github.com/unikraft/unikraft/pull/453, "
                "https://github.com/unikraft/unikraft/pull/442, "
                "https://github.com/unikraft/unikraft/pull/441",
            ),
            (["MP"], "Approve https://github.com/unikraft/unikraft/pull/477"),
            (["RD"], "Ask Simon: https://github.com/unikraft/unikraft/pull/438"),
            (["MP"], "Update https://github.com/unikraft/unikraft/pull/458"),
            (["AM"], "Review https://github.com/unikraft/unikraft/pull/460"),
            (["SK"], "Review / Approve https://github.com/unikraft/unikraft/pull/460"),
            (["MP"], "Update https://github.com/unikraft/unikraft/pull/434"),
            (["VB"], "Status of https://github.com/unikraft/unikraft/pull/465"),
            (["RD"], "Approve https://github.com/unikraft/unikraft/pull/470"),
            (
                ["SS"],
                "Update PR: https://github.com/unikraft/unikraft/pull/420 - resolve conflicts",
            ),
            (["VB"], "What is this useful for? https://github.com/unikraft/lib-lwip/pull/16"),
            (["MP"], "Status of https://github.com/unikraft/lib-lwip/pull/12"),
            (["SK"], "Status of https://github.com/unikraft/unikraft/pull/243"),
            (["RD"], "Update https://github.com/unikraft/unikraft/pull/337"),
            (["AA"], "Status on https://github.com/unikraft/unikraft/pull/245"),
            (["AM"], "Continue https://github.com/unikraft/unikraft/pull/226"),
            (["SK"], "Status of https://github.com/unikraft/unikraft/pull/371"),
            (["AS"], "Review https://github.com/unikraft/unikraft/pull/64"),
            (["VB"], "Update https://github.com/unikraft/unikraft/pull/191"),
            (["VB"], "Review https://github.com/unikraft/unikraft/pull/482"),
            (["MP"], "Approve https://github.com/unikraft/unikraft/pull/479"),
            (["MR"], "Update https://github.com/unikraft/unikraft/pull/478"),
            (
                ["MP", "RdS"],
                "Look into why this is not working: https://github.com/unikraft/unikraft/pull/471",
            ),
        ],
        # `Sk` is no name by §4: initials are two to four capitals (one lower-case
        # letter only *inside*), and no participant is called Sk. So `Sk:` is a
        # label and the line an unowned item, i.e. a decision, kept whole.
        decisions=[
            "Sk: Review PRs: https://github.com/unikraft/unikraft/pull/484, "
            "https://github.com/unikraft/unikraft/pull/65, "
            "https://github.com/unikraft/unikraft/pull/485, "
            "https://github.com/unikraft/lib-lwip/pull/17",
        ],
    ),
    # `### New PR Tasks` is not an action-items heading (`New`, `PR` are not
    # among its words) and is deeper than `## TODOs and Decisions`: the section
    # runs on under it (§2), so the lines below it are still items.
    "discussions/community/2023/2023-04-10.md": Expected(
        date=dt.date(2023, 4, 10),
        teams=["community"],
        participants=["RăzvanD", "Andra", "Cezar", "Gabi", "Șerban", "ȘtefanJ"],
        agenda=["Community updates", "Q&A, questions from the community", "PR walkthrough"],
        topics=["Releases", "Community Events", "Community Updates"],
        action_items=[
            (["RD"], "Start organizing Romania community meeting."),
            (["SJ"], "Provide updates on Unikraft Summer of Code."),
            (["FP"], "https://github.com/unikraft/unikraft/pull/830"),
            (
                ["TT"],
                "https://github.com/unikraft/unikraft/pull/830, "
                "https://github.com/unikraft/unikraft/pull/829",
            ),
            (["AP"], "https://github.com/unikraft/unikraft/pull/829"),
            (["EV"], "https://github.com/unikraft/unikraft/pull/825"),
            (["MS"], "https://github.com/unikraft/unikraft/pull/825"),
            (
                ["SK"],
                "https://github.com/unikraft/unikraft/pull/826, "
                "https://github.com/unikraft/unikraft/pull/817",
            ),
            (
                ["SJ"],
                "https://github.com/unikraft/unikraft/pull/824, "
                "https://github.com/unikraft/unikraft/pull/813",
            ),
            (
                ["AJ"],
                "https://github.com/unikraft/unikraft/pull/813, "
                "https://github.com/unikraft/unikraft/pull/810, "
                "https://github.com/unikraft/unikraft/pull/809",
            ),
            (["AS"], "https://github.com/unikraft/unikraft/pull/809"),
            (["RV"], "https://github.com/unikraft/unikraft/pull/810"),
            (["CC"], "https://github.com/unikraft/unikraft/pull/810"),
            (
                ["RD"],
                "https://github.com/unikraft/unikraft/pull/824, "
                "https://github.com/unikraft/unikraft/pull/830, "
                "https://github.com/unikraft/unikraft/pull/829, "
                "https://github.com/unikraft/unikraft/pull/825",
            ),
            (["VB"], "https://github.com/unikraft/unikraft/pull/817"),
        ],
        decisions=[
            "[Next release (v0.13.0)](https://github.com/unikraft/unikraft/milestone/13) is "
            "planned for May 1, 2023. Feature freeze one week before (let's see how this goes) "
            "on Monday, April 24, 2023.",
            "Monthly hackathon will be thematic. April hackathon will feature the 0.13 release. "
            "May hackathon will be focused on binary application compatibility.",
            "Next meeting will be two weeks from now, before the release, on Monday, "
            "April 24, 2023, 1pm CEST.",
            # By §4 neither prefix is a name: `RNichita` is no participant's handle
            # or first name, and `SKo` is not initials (its lower-case letter is not
            # *inside*, unlike `RdS`). So both lines are unowned: decisions. Same
            # reading as `Sk:` in community/2022/2022-07-14.
            "RNichita: https://github.com/unikraft/unikraft/pull/826",
            "SKo: https://github.com/unikraft/unikraft/pull/809",
        ],
    ),
    # `- TODO: Versioning` is a Discussions list item, not an action item.
    "discussions/community/2023/2023-05-15.md": Expected(
        date=dt.date(2023, 5, 15),
        teams=["community"],
        participants=[
            "Marco",
            "Cezar",
            "Andra",
            "Antoine",
            "ȘtefanJ",
            "Maria",
            "RaduNichita",
            "RăzvanD",
            "Vela",
            "Sergiu",
            "EdiM",
        ],
        agenda=[
            "Post-release items: feedback, suggestions, lessons learned",
            "Near term goals: app compatibility, usability (kraftkit), documentation",
            "Steps towards release 1.0 (late January 2024)",
            "Current tracks in the community",
            "Recent and future events: hackathons, meetings",
        ],
        topics=[
            "Post-release",
            "Near Term Goals",
            "Release 1.0 items",
            "OSS Technical Tracks",
            "OSS Non-technical Tracks",
            "Community Events",
            "Roadmap",
        ],
        action_items=[
            (["RD"], "Look for places for the Community Gathering on October 5-8, 2023"),
            # The prefix ends at the first `: `; `AJ` after it is part of the text.
            (["RD"], "Remind AJ: Logo for USoC'23"),
            (["Everyone"], "Go through technical and non-technical tracks and planning of items"),
            (["Everyone"], "Go through roadmap: https://hackmd.io/@unikraft/HyNdSyAki"),
        ],
        # `Next meeting` is a label, not a name.
        decisions=[
            "Next meeting: Monday, May 22, 2023: Discuss OSS Roadmap "
            "(up until Release 1.0 - late January 2024)",
        ],
    ),
    "discussions/musl-syscall/2023-02-22.md": Expected(
        date=dt.date(2023, 2, 22),
        teams=["musl-syscall"],
        participants=[
            "Andra",
            "Andrei",
            "Cosmin",
            "Florin",
            "Maria",
            "Pierre",
            "Simon",
            "Stefan",
            "Teodor",
        ],
        agenda=["Status update", "Next steps"],
        topics=[None],
        action_items=[
            (["AM"], "Continue with the procfs improvements development."),
            # The nested `CV: openjdk app` items are the details of their parent
            # list item (a list under an item belongs to it, rule 5.3 and §4), not
            # items of their own: the owner-prefix rule splits lines of a
            # paragraph (`AJ: one.` / `AJ: two.`), not a nested list.
            (
                ["CV", "SJ", "TT"],
                "Continue the testing of the chosen apps. "
                "- CV: openjdk app - SJ: sqlite app - TT: python app",
            ),
            (["FP"], "Check solution for proper cleanup, after running nginx with Loupe."),
            (["FP"], "Port Node.js using the elfloader."),
            (["MS"], "Look into the elfloader readme."),
            (["PO"], "Report the results for the Linux testing suite."),
            (
                ["SK"],
                "Continue the development for the elfloader to setup the initrd and the "
                "environment variables.",
            ),
        ],
        decisions=[],
    ),
    # `### Tasks / Decisions` is an action-items heading (§2).
    "discussions/community/2021/2021-11-17.md": Expected(
        date=dt.date(2021, 11, 17),
        teams=["community"],
        # A placeholder, but §1 only drops empty entries.
        participants=["TO FILL"],
        agenda=[
            "open source community",
            "release: Monday, November 29, 2021",
            "Uniprof / profiling",
            "SMP",
            "ARM",
            "language support (Rust, D)",
            "fs support",
            "IDE support",
            "bootloader replacement / EFI support",
            "PR walkthrough",
            "CI/CD demo",
            "next demo (for Wednesday, November 24, 2021)",
        ],
        topics=[None],
        action_items=[
            (
                ["CV"],
                "Come back with a proposal on structuring a video presentation for Unikraft 0.6.",
            ),
            (["GM"], "Ping Simon about the Nginx 9pfs problem."),
            (["GM"], "Look into warnings."),
        ],
        decisions=[],
    ),
    # `### Next Steps` sits under the `##` Discussions heading: §2 counts `Next
    # Steps` as an action-items heading only at the level of the other section
    # headings, so it is a topic and `RD: Ping Alex ...` a statement.
    "discussions/rust/2023-08-16.md": Expected(
        date=dt.date(2023, 8, 16),
        teams=["rust"],
        participants=["Martin", "Marco", "RăzvanD"],
        agenda=["Status update", "Next steps"],
        topics=[None, "Next Steps"],
        action_items=[],
        decisions=[],
    ),
    # File name January 25, front matter January 19; `ide, kraft` is two teams.
    "discussions/ide/2022-01-25.md": Expected(
        date=dt.date(2022, 1, 19),
        teams=["ide", "kraft"],
        participants=["Alex", "RăzvanD", "Ștefan", "Adina"],
        agenda=["IDE status update"],
        topics=[None],
        action_items=[
            (["AS"], "Push changes by Thursday."),
            (["SJ"], "Review changes puhsed by Adina."),
            (["AJ"], "Provide GitHub token."),
            (["AS"], "Create a short video to advertise the plugin."),
        ],
        decisions=[],
    ),
    # `## :wrench: Decisions and TODOs`: the words in the other order.
    "discussions/kraft/2023-02-22.md": Expected(
        date=dt.date(2023, 2, 22),
        teams=["kraftkit team"],
        participants=["Alexander Jung", "Cezar Craciunoiu", "lukas", "Stefan Jumarea"],
        agenda=["0.4.1 Release", "Round"],
        topics=[None],
        action_items=[
            (["AJ"], "Add the fixes as PRs once they are ready."),
            # `Lukas` is the participant `lukas` (names compare case-insensitively, §7).
            (["Lukas"], "let everyone know if you want to be added to some PRs."),
            (["SJ"], "Continue investigating the `kraft setup`."),
            (["CC"], "Sort the issues list and bring them up to date."),
        ],
        decisions=[],
    ),
    "discussions/gsoc/2023-05-15.md": Expected(
        date=dt.date(2023, 5, 15),
        teams=["gsoc"],
        participants=[
            "Alex",
            "Andra",
            "Michalis",
            "RăzvanD",
            "Hugo",
            "ȘtefanJ",
            "Vlad",
            "Cezar",
            "Maria",
            "Antoine",
        ],
        agenda=[
            "Quick overview of GSoC'23 timeline",
            "Quick overview of GSoC'23 projects and mentors",
            "Mentor roles, primary mentor roles",
            "Logistics: meetings, channels, resources",
            "Mentorship process: reviews, support, availability",
            "Expectations from mentees",
            "Other topics in preparation for the full GSoC meeting later that week",
        ],
        topics=[None],
        action_items=[
            (["Mentors"], "Provide initial resources and meeting times for mentees."),
            (
                ["Mentors"],
                "Keep meeting summaries: "
                "https://github.com/unikraft/meeting-notes/tree/staging/discussions/gsoc",
            ),
            (
                ["RD"],
                "Add project sizes + and weekly involvement in internal document. "
                "Also announce on Discord, on the `gsoc-mentors` channel.",
            ),
            (
                ["RD"],
                "Advertising contributing guidelines: https://unikraft.org/docs/contributing/, "
                "coding conventions: https://github.com/RaduNichita/docs/blob/rnichita/"
                "coding-conventions/content/en/docs/contributing/coding-conventions.md",
            ),
            (["RD"], "Announce the kick-off meeting: Wednesday, May 17, 2023, 4pm CEST."),
            (["Mentors"], "Do an initial discussion with mentees. Remind them of the meeting."),
            (["Mentors"], "Consider a good periodic meeting timeslot with each mentee."),
            (
                ["RD"],
                "Open up a thread for each GSoC'23 project on the `#gsoc-mentors` and on "
                "the `#gsoc23-mentees` Discord channels.",
            ),
        ],
        # `Recommendations:` is a label, so the paragraph is unowned. The list
        # under it is its details, as a list under a paragraph is in Discussions
        # (`Best effort PRs:` in examples/.../2023-12-06) and as in rule 5.3; its
        # nested item stays with its parent.
        decisions=[
            "Recommendations: "
            "* mentees should be part of the technical group meetings "
            "* periodic meeting with mentee (every 1-2 weeks) "
            "* keep meeting summary in `meeting-notes` repository: "
            "https://github.com/unikraft/meeting-notes/tree/staging/discussions/gsoc "
            "* ask mentees to ask as often and as quick as possible questions on Dicord, "
            "not to wait for meetings "
            "* keep saying this on all channels and all times "
            "* create draft PRs early on",
        ],
    ),
    # Rule 5.3: a bare `OWNERS:` line over a list gives one item per list item,
    # each owned by every name in OWNERS.
    "discussions/musl-syscall/2023-02-15.md": Expected(
        date=dt.date(2023, 2, 15),
        teams=["musl-syscall"],
        participants=["Andra", "Cosmin", "Felipe", "Pierre", "Simon", "Stefan", "Teodor"],
        agenda=["Status update", "Next steps"],
        topics=[None],
        action_items=[
            (
                ["CV", "SJ", "TT"],
                "Try out the steps from https://github.com/unikraft/app-elfloader/pull/7 "
                "- README for executing and debugging ELF binaries.",
            ),
            (
                ["CV", "SJ", "TT"],
                "Report the identified issues via the app-compat Discord channel "
                "and GitHub issues.",
            ),
            (["PO"], "My student continues to work on porting the Linux test suite for Unikraft."),
            (["PO"], "Get the coverage for the Linux syscalls for Unikraft."),
        ],
        decisions=[],
    ),
    "discussions/maintainers/2022/2022-06-13.md": Expected(
        date=dt.date(2022, 6, 13),
        teams=["maintainers"],
        participants=[
            "Simon",
            "AlexJ",
            "Michalis",
            "RăzvanV",
            "Cezar",
            "Marc",
            "CristiV",
            "RăzvanD",
            "Felipe",
        ],
        agenda=[
            "kraftkit high-level presentation and status (Alexander Jung)",
            "naming conventions (this is based on a comment from Michalis Pappas here: "
            "https://github.com/unikraft/unikraft/pull/316#discussion_r790945166)",
            "plat re-architecting",
        ],
        topics=["Kraftkit", "Naming Conventions"],
        action_items=[
            (
                ["RD"],
                "Talk to Gabi and Ștefan for involvement in the 0.10 release, "
                "waiting for kraftkit to stabilize",
            ),
            # Lower-case `everyone` is one of the groups of §4.
            (
                ["everyone"],
                "Contribute to the conventions document: https://docs.google.com/document/d/"
                "1_iRkdBjQtnqOj798ZNr23OQTWQcXPdpDsnfBikm6Pcg/edit",
            ),
        ],
        decisions=[],
    ),
    # A hackathon report: only a Summary of Activities, no agenda, no TODOs.
    "hackathons/2021/2021-12-11.md": Expected(
        date=dt.date(2021, 12, 11),
        teams=["community"],
        participants=["RazvanD", "Sergiu", "PaulV", "Cezar", "Gabi", "Aadhi"],
        agenda=[],
        topics=[None],
        action_items=[],
        decisions=[],
    ),
    # No `teams` in the front matter; an agenda with no list is one item per line.
    "discussions/usoc/2023-04-12.md": Expected(
        date=dt.date(2023, 4, 12),
        teams=[],
        participants=["RazvanD", "StefanJ", "Cezar", "RaduN"],
        agenda=["Overview of last year mistakes.", "Proposals for this year.", "Decide on a date."],
        topics=[None],
        action_items=[
            (["Everyone"], "Create tasks git the initial quiz."),
            (["SJ"], "Create landing page on the website."),
            (["SJ"], "Put together a list of work items."),
            (["RD"], "Find volunteers to work on stuff."),
        ],
        decisions=[],
    ),
    # The `# set cross compile` line is inside a code block, not a heading.
    "discussions/build/2023-05-16.md": Expected(
        date=dt.date(2023, 5, 16),
        teams=["build"],
        participants=["Simon", "Marco", "Maria", "RăzvanD", "Michalis", "Alex", "Andrei"],
        agenda=["Status update", "Next steps"],
        topics=[None],
        action_items=[
            (
                ["RD"],
                "Assign 2 people in the community to use the custom GCC / QEMU Docker-based "
                "setup that's provided with `kraftkit`. Provide them to Robert.",
            ),
            (
                ["RD"],
                "[someone] Look into solving the emuTLS AArch64 issue with the custom GCC "
                "from `kraftkit`.",
            ),
            ([], "Provide GCC / QEMU as pre-built images in a archive."),
            # `Aim to ...` continues the item: `Aim` is no name (rule 5.2).
            (
                [],
                "Look into how cross-compilers are built: statically linked or not. "
                "Aim to deviate as little as possible from the standard ARM cross-compile build.",
            ),
        ],
        decisions=[],
    ),
    "discussions/baremetal/2023-11-15.md": Expected(
        date=dt.date(2023, 11, 15),
        teams=["embedded"],
        participants=["Radu", "RăzvanV", "Michalis", "Robert", "RăzvanD"],
        agenda=[
            "Review of document: https://hackmd.io/@unikraft/rkZG9EfTh",
            "Drivers support ( @Niculae Radu )",
            "Xen on AArch64 ( @oleksiimoisieiev )",
        ],
        topics=[None, "MP: Ideas on the Board Bring-Up Process"],
        action_items=[
            (["RD"], "Collect all embedded / baremetal-related use cases."),
            (["RN"], "Check out Xilinx UltraScale in QEMU."),
            (["RD"], "Links for theses from Sergiu Moga an Dragoș Petre."),
            # `Get to early UART.` continues the item: `Get` is no name.
            (["RN"], "Work on board bring up. Get to early UART."),
            (["RN"], "Start a thread with the uImage format."),
            (["RN"], "Start a thread called Xilinx UltraScale bring up."),
            (["RN"], "Document process while going through it."),
            (["RD"], "Get in touch with Oleksii about the Xen on ARM64 port."),
        ],
        decisions=[],
    ),
    # Title and front matter say July 5, the file name July 12.
    "discussions/app-compat/app-compat-2023-07-12.md": Expected(
        date=dt.date(2023, 7, 5),
        teams=["app-compat", "syscall", "bincompat"],
        participants=["Andra", "Simon", "RăzvanD", "Florin", "Teo", "Felipe", "ȘtefanJ"],
        agenda=["Status update", "Next steps"],
        topics=["JDK", "getdents64", "Redis", "VDSO"],
        action_items=[
            (["CV"], "Continue testing with JDK."),
            (["CV"], "Create PR with the binary compat part on the `dynamic-apps` repository."),
            (
                ["RD"],
                "We will test the binary compatibility with applicatins already in the "
                "`dynamic-apps` repository.",
            ),
            (["All"], "We can upstream the version of the VDSO. Changes are small."),
            (["RD"], "Talk to Răzvan Vîrtan about Aarch64 bincompat support."),
        ],
        # `Next steps would be top-level 5 JDK apps` is no list of names.
        decisions=["Next steps would be top-level 5 JDK apps: Kafka, Springboot or others."],
    ),
    "discussions/smp/2023-03-14.md": Expected(
        date=dt.date(2023, 3, 14),
        teams=["smp"],
        participants=["Adina", "Andra", "Marc", "Michalis", "Razvan V", "Sairaj", "Simon"],
        agenda=["Status update", "Next steps"],
        topics=[None],
        action_items=[
            (["AS"], "Publish a PR for the current work, of local compilation units."),
            (
                ["AP"],
                "Do reviews for the PRs that cover the syncronization primitives, virtio-net "
                "multiqueue support, SMP safe virtio-net and buddy allocator.",
            ),
            (
                ["RV"],
                "Come back with info on what would take to improve the current implementation "
                "of the synchronization for the buddy allocator e.g. based on the shared "
                "article.",
            ),
            # `Sairaj K` is the participant Sairaj signed as first name and initial,
            # the way `Razvan V` is written in this very file: a name (§4).
            (["Sairaj K"], "Validate the SMP support for virtio-net."),
        ],
        decisions=[],
    ),
    "discussions/vmm/2023-05-17.md": Expected(
        date=dt.date(2023, 5, 17),
        teams=["vmm"],
        participants=["PaulU", "PaulV", "Marc", "RăzvanD"],
        agenda=["Status update", "Next steps"],
        topics=["Hyper-V", "VMware", "vsock"],
        action_items=[
            (["RD"], "Think about about a virtio discussion."),
            (["RD"], "Ask for status from Andrei on `virtio-vsock` support."),
            (["RD"], "Talk to someone about Hyper-V support."),
            (["RD"], "Talk to VMware contacts on `vmxnet`."),
            (["PV"], "Try the faulty query in Unikraft, on FreeBSD."),
            (
                ["PV"],
                "Try to check all assumptions. Aim to pinpoint the location of the core issue.",
            ),
            (
                ["PU"],
                "Try different values for the new member in the bbuddy allocator. "
                "See what works and what doesn't.",
            ),
        ],
        decisions=[],
    ),
    # Bare owners over lists whose items have nested lists: a nested list is
    # its parent item's details (as a list under `OWNERS: text`, rule 5.3),
    # not an item of its own.
    "discussions/app-compat/app-compat-2023-04-19.md": Expected(
        date=dt.date(2023, 4, 19),
        teams=["musl-syscall"],
        participants=["Andra", "Andrei", "Cosmin", "Florin", "Marc", "Simon", "Teodor"],
        agenda=["Status update", "Next steps"],
        topics=[None],
        action_items=[
            (
                ["AP"],
                "Create PR for the following issue [Cannot handle multiple user space heaps]"
                "(https://github.com/unikraft/unikraft/issues/611).",
            ),
            (
                ["AM"],
                "Develop an initial solution for procfs. Focus on the reorganzation of the "
                "codabase e.g. separate .c file per entry, and add support for the current "
                "procfs main entries e.g. cmdline, uptime.",
            ),
            (
                ["AM"],
                "Check the musl depedency for ukstore, it should work with nolibc as well. "
                "Needs to be fixed, if not working with nolibc.",
            ),
            (["CV"], "Continue to work on the open PRs."),
            (
                ["FP"],
                "Create an issue for the errno setup in vfscore. "
                "- [lib/vfscore: ERRNO gets wrongly set]"
                "(https://github.com/unikraft/unikraft/issues/849)",
            ),
            (
                ["FP"],
                "Identify why there is an issue with the heap being too small / memory "
                "allocations, when trying out statically linked Node.js.",
            ),
            (
                ["SK"],
                "Publish the remaining PRs for elfloader e.g. app loading, environment vars.",
            ),
            (
                ["TT"],
                "Create a PR to remove clone3. "
                "- [lib/posix-process: remove clone3 syscall]"
                "(https://github.com/unikraft/unikraft/pull/847)",
            ),
            (["TT"], 'Check the fix from Marc for the "accept" issue.'),
            (
                ["TT"],
                "Create an issue with the findings about the Linux kernel adding the "
                "registers in the task struct.",
            ),
        ],
        decisions=[],
    ),
    # `Maria and Vlad to meet ...`: rule 5.2, both are participants.
    "discussions/gsoc/ss-2022-08-08.md": Expected(
        date=dt.date(2022, 8, 8),
        teams=["gsoc"],
        participants=["Răzvan", "Vlad", "Maria"],
        # A loose list (blank line between items) is still one item per list item.
        agenda=["Status update", "Next steps"],
        topics=[None],
        action_items=[
            (["MS"], "Fix `newlib` compilation errors for `clang`."),
            (["MS"], "Use `gcc-12`."),
            (["MS"], "Use Shadow Stack support for complex apps."),
            (["MS"], "Continue to test `lua` and `python3`."),
            (["MS"], "Write blog post."),
            (["RD"], "Talk to SK about the `O_NONBLOCK` issue and it's possible fix."),
            (
                ["RD"],
                "Check Maria's PR for [`redis`](https://github.com/unikraft/app-redis/pull/6).",
            ),
            (["Maria", "Vlad"], "meet Thursday, August 11th, 2022, 3:30pm CEST."),
        ],
        decisions=[],
    ),
}


def squash(text):
    return " ".join(text.split())


@cache
def parsed(path):
    return parse((CORPUS / path).read_bytes(), path)


files = pytest.mark.parametrize("path", list(EXPECTED), ids=lambda path: path.removesuffix(".md"))


@files
def test_meeting_date_is_read_from_the_front_matter(path):
    assert parsed(path).date == EXPECTED[path].date


@files
def test_teams_are_listed_as_written_one_per_name(path):
    assert parsed(path).teams == EXPECTED[path].teams


@files
def test_participants_are_listed_as_written_one_per_name(path):
    assert parsed(path).participants == EXPECTED[path].participants


@files
def test_agenda_has_one_item_per_list_item_or_line(path):
    got = [squash(item.text) for item in parsed(path).agenda]
    assert got == [squash(text) for text in EXPECTED[path].agenda]


@files
def test_headings_inside_discussions_start_topics(path):
    assert [topic.title for topic in parsed(path).topics] == EXPECTED[path].topics


@files
def test_action_items_keep_owners_as_written_and_text_without_the_prefix(path):
    got = [(item.owners, squash(item.text)) for item in parsed(path).action_items]
    assert got == [(owners, squash(text)) for owners, text in EXPECTED[path].action_items]


@files
def test_unowned_items_of_the_action_section_are_decisions(path):
    got = [squash(decision.text) for decision in parsed(path).decisions]
    assert got == [squash(text) for text in EXPECTED[path].decisions]


def test_file_with_no_front_matter_and_no_date_in_its_name_is_rejected():
    source = "discussions/maintainers/2022/topics.md"
    with pytest.raises(MinutesError, match=re.escape(source)):
        parse((CORPUS / source).read_bytes(), source)
