"""Who owns what in the real minutes, checked by hand against the text.

Each case below was decided by reading the minutes, not the tracker: the
meeting's participants, its discussion, the team's meetings around then and
the full names written anywhere in the corpus (`Maria Sfîrăială will be
maintainer`, `@Marco Schlumpp`, `Sairaj Kodilkar (SK)`). A person is named by
the full name the participants lists give, else by the handle they sign in
with, so a case does not depend on which spelling the tracker keeps as handle.
`None` means the minutes cannot tell who it is, so the owner must stay
unresolved: a wrong owner is worse than none.

Where the tracker disagrees with the reading, the case is an expected failure
that says what the tracker does and why the minutes say otherwise.

People the reading rests on, established across the corpus:

- `AS` is Adina in 2022-2023 (ide: `AS` works on the VSCode extension with
  Adina the only participant left; app-compat: `AS` pushes the futex PR,
  community lists "synchronization / futexes (Adina)"). `AV` is AdinaV
  (profiling), a different surname initial.
- `AP` is Andra in app-compat and smp 2023 ("Andra, Simon and Sairaj are
  assigned as reviewers"; `AP: Have to do reviews ...`).
- `MS` is Marco Schlumpp where Marco is at the meeting and Maria is not
  (build, rust, maintainers 2023; `MSch` in build), Maria Sfîrăială elsewhere.
- `MP` is Michalis Pappas; MariaP and MihneaP only appear in late 2023-2024.
- `MK` is Martin (rust), `DK` Dennis, `FA` Fabian, `TL` Terry (2022) and
  Tiany Liu (app-compat 2023), `DP` Delia in docs and Dragos Petre in
  bootloaders, `SjK` Sairaj Kodilkar next to `SK` Simon Kuenzer.
"""

from collections import defaultdict

import pytest
from django.db import transaction

from meetings.importing import import_paths
from meetings.models import Owner, Person
from meetings.names import name_key
from tests.helpers import CORPUS, require_corpus

# Each test runs inside the module's import, which is rolled back at its end.
pytestmark = pytest.mark.django_db

SIMON = "Simon Kuenzer"
MICHALIS = "Michalis Pappas"
MARC = "Marc Rittinghaus"
ALEX_JUNG = "Alexander Jung"
CEZAR = "Cezar Craciunoiu"
CRISTI_V = "Cristian Vijelie"
RAZVAN_D = "Razvan Deaconescu"
SAIRAJ = "Sairaj Kodilkar"
TEO = "Teo Tiron"
ADINA = "Adina"  # signs in as `Adina`, initials AS; not AdinaV (AV)
ANDRA = "Andra"
MARCO = "Marco"  # Marco Schlumpp in the text; the participants lists say `Marco`
MARTIN = "Martin"


def tracker_disagrees(case, reason):
    """A case the tracker gets wrong today: ``reason`` says what it does and why."""
    return pytest.param(
        *case, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)
    )


OWNERS = [
    tracker_disagrees(
        ("community/2022/2022-07-14.md", "SK", "Prepare 2nd review for the 4 PRs", SIMON),
        "tracker: could be Sairaj Kodilkar or Simon Kuenzer (people of the team around "
        'then); the discussion says "the 2nd round of review, will be delivered by Simon"',
    ),
    (
        "community/2022/2022-07-14.md",
        "MP",
        "Approve https://github.com/unikraft/unikraft/pull/477",
        MICHALIS,
    ),
    tracker_disagrees(
        (
            "community/2022/2022-07-14.md",
            "HL",
            "Review https://github.com/unikraft/unikraft/pull/219",
            "Hugo",
        ),
        "tracker: no one in the minutes fits; the minutes say Hugo, but nothing in them "
        "rules out the others",
    ),
    (
        "community/2022/2022-07-14.md",
        "DA",
        "Update https://github.com/unikraft/unikraft/pull/454",
        "DragoșA",
    ),
    ("community/2022/2022-07-14.md", "RD", "Add Aadhi and Sairaj as reviewers", RAZVAN_D),
    tracker_disagrees(
        (
            "community/2022/2022-07-14.md",
            "SS",
            "Update PR: https://github.com/unikraft/unikraft/pull/420",
            None,
        ),
        "tracker: ȘerbanS: the only person in the minutes with these initials; the "
        "minutes say None, but nothing in them rules out the others",
    ),
    (
        "community/2022/2022-07-14.md",
        "AA",
        "Status on https://github.com/unikraft/unikraft/pull/245",
        None,
    ),
    tracker_disagrees(
        (
            "community/2022/2022-02-02.md",
            "SK",
            "Update: https://github.com/unikraft/unikraft/pull/222",
            SIMON,
        ),
        "tracker: could be Sairaj Kodilkar or Simon Kuenzer (people of the team around "
        "then); Sairaj first appears in March 2022 as a GSoC applicant, SK in community "
        "2022 is Simon",
    ),
    (
        "community/2022/2022-02-02.md",
        "CV",
        "Update: https://github.com/unikraft/unikraft/pull/192",
        CRISTI_V,
    ),
    ("community/2022/2022-02-02.md", "AJ", "Move the kraft.yaml version", ALEX_JUNG),
    (
        "community/2022/2022-01-26.md",
        "DD",
        "Reiew: https://github.com/unikraft/unikraft/pull/251",
        None,
    ),
    (
        "community/2022/2022-03-17.md",
        "CC",
        "Review https://github.com/unikraft/unikraft/pull/369",
        CEZAR,
    ),
    ("community/2022/2022-03-17.md", "CV", "Create application form for Unikraft", CRISTI_V),
    tracker_disagrees(
        ("community/2022/2022-04-07.md", "AS", "Use the SMP PR to test the synchronization", ADINA),
        "tracker: no one in the minutes fits; the item sits under the `synchronization / "
        "futexes (Adina)` project, and AS is Adina in ide and app-compat",
    ),
    tracker_disagrees(
        ("community/2022/2022-04-14.md", "AS", "Install kraft using the extension", ADINA),
        'tracker: no one in the minutes fits; the VSCode extension is Adina"s (ide '
        "minutes: AS with Adina the only participant left; `VSCode IDE (Adina, Ștefan)`)",
    ),
    ("community/2022/2022-04-28.md", "TL", "Create PR for randomization support", "Terry"),
    tracker_disagrees(
        (
            "community/2022/2022-05-05.md",
            "DK",
            "https://github.com/unikraft/unikraft/pull/291",
            "Dennis",
        ),
        "tracker: no one in the minutes fits; DK is Dennis (rust minutes), paired with VB "
        "as in `Rust support (Vlad, Dennis, DanU)`",
    ),
    ("community/2022/2022-05-05.md", "RdS", "https://github.com/unikraft/unikraft/pull/428", None),
    ("community/2022/2022-07-28.md", "EV", "Post message on #arm channel", "Eduard"),
    (
        "community/2022/2022-10-21.md",
        "MP",
        "Provide update: https://github.com/unikraft/unikraft/pull/443",
        MICHALIS,
    ),
    ("community/2022/2022-10-21.md", "MP", "Fix according to feedback", MICHALIS),
    (
        "community/2022/2022-10-21.md",
        "MS",
        "Review https://github.com/unikraft/app-redis/pull/10",
        "MariaS",
    ),
    (
        "community/2023/2023-03-13.md",
        "AJ",
        "https://github.com/unikraft/unikraft/pull/764",
        ALEX_JUNG,
    ),
    (
        "community/2023/2023-03-13.md",
        "SjK",
        "https://github.com/unikraft/unikraft/pull/784",
        SAIRAJ,
    ),
    tracker_disagrees(
        (
            "community/2023/2023-03-13.md",
            "SK",
            "https://github.com/unikraft/unikraft/pull/784",
            SIMON,
        ),
        "tracker: could be Sairaj Kodilkar or Simon Kuenzer (people in the minutes); SjK "
        "on the same line is Sairaj, so SK is Simon",
    ),
    ("community/2023/2023-03-13.md", "CB", "https://github.com/unikraft/unikraft/pull/783", None),
    tracker_disagrees(
        (
            "community/2023/2023-03-13.md",
            "MS",
            "https://github.com/unikraft/unikraft/pull/792",
            None,
        ),
        "tracker: initials of MariaS, who took part in the team's meetings around then; "
        "neither Maria Sfîrăială nor Marco Schlumpp attended and a bare PR link cannot "
        "tell them apart",
    ),
    (
        "community/2023/2023-03-13.md",
        "RN",
        "https://github.com/unikraft/unikraft/pull/797",
        "Radu Nichita",
    ),
    (
        "community/2023/2023-03-13.md",
        "SS",
        "https://github.com/unikraft/unikraft/pull/772",
        "ȘerbanS",
    ),
    tracker_disagrees(
        (
            "community/2023/2023-04-10.md",
            "AP",
            "https://github.com/unikraft/unikraft/pull/829",
            ANDRA,
        ),
        "tracker: could be Alex Palmer or Andra (a participant or people of the team); "
        "Andra attended, and AP is Andra in the app-compat and smp minutes of the same "
        "weeks",
    ),
    tracker_disagrees(
        ("community/2023/2023-11-08.md", "MP", "Look at Robert's PRs", MICHALIS),
        "tracker: could be Michalis Pappas or MihneaP (participants); Robert's ARM PRs go "
        "to Michalis (`RK/MP`, `talk to Robert, Michalis`)",
    ),
    tracker_disagrees(
        ("build/2023-05-30.md", "MS", "Share the way you are using Clang", MARCO),
        "tracker: could be Marco or MariaS (a participant or people of the team); "
        "`MS/Maria/Ștefan/RD` names Maria separately, Maria was absent, and Marco (MSch "
        "in build) attended and spoke as MS",
    ),
    ("build/2023-05-30.md", "Maria", "Share the way you are using Clang", "MariaS"),
    ("build/2023-05-30.md", "SK", "Provide opinion on the Clang usage", SIMON),
    tracker_disagrees(
        ("build/2023-06-27.md", "MK", "Put a sample output after the call", MARTIN),
        "tracker: could be Marco or Martin (participants); Marco is MS/MSch, MK is Martin "
        "porting Rust applications",
    ),
    tracker_disagrees(
        ("rust/2023-07-05.md", "MS", "Review the environment variables PR from Martin", MARCO),
        "tracker: could be Marco or Martin (participants); Martin wrote the PR, Marco "
        "Schlumpp attended and is MS",
    ),
    tracker_disagrees(
        ("rust/2023-07-05.md", "SK", "Review the environment variables PR from Martin", SIMON),
        "tracker: could be Sairaj Kodilkar or Simon Kuenzer (people in the minutes); a "
        'core PR review is Simon"s, Sairaj never comes to rust meetings',
    ),
    ("rust/2022-12-14.md", "MK", "Wait for RD to provide the static library", MARTIN),
    tracker_disagrees(
        ("rust/2023-03-15.md", "FA", "Continue working on the `ukargparse` porting", "Fabian"),
        "tracker: no one in the minutes fits; the minutes say Fabian, but nothing in them "
        "rules out the others",
    ),
    ("rust/2022-10-26.md", "DK", "Strip PR 261", "Dennis"),
    ("maintainers/2022/2022-05-02.md", "MR", "Discuss the memory balooning", MARC),
    ("maintainers/2023/2023-08-21.md", "MP", "Create a list of drivers", MICHALIS),
    tracker_disagrees(
        (
            "maintainers/2023/2023-11-13.md",
            "MS",
            "Create pull request in Firecracker upstream",
            MARCO,
        ),
        "tracker: could be Marco or MariaS (a participant or people of the team); Marco "
        "attended, Maria did not, and the agenda says boot argument parsing `require[s] "
        "@Marco Schlumpp`",
    ),
    ("maintainers/2024/2024-01-22.md", "MP", "To discuss with Simon", MICHALIS),
    ("kraft/2022-09-21.md", "CC", "Work on workflow issues", CEZAR),
    tracker_disagrees(
        ("kraft/2022-09-21.md", "CR", "Work on issue #35", "Costi"),
        "tracker: could be Costi, not for sure (participants); the minutes say Costi, but "
        "nothing in them rules out the others",
    ),
    ("kraft/2022-09-21.md", "AA", "Aim to close work on OpenFaaS use case", "AndreiA"),
    ("kraft/2023-03-15.md", "AJ", "Write a cronjob to un-vault the CI/CD", ALEX_JUNG),
    tracker_disagrees(
        ("kraft/2023-03-08.md", "AC", "Continue battle testing", "Antoine"),
        "tracker: could be Antoine, not for sure (participants); the minutes say Antoine, "
        "but nothing in them rules out the others",
    ),
    ("smp/2023-01-10.md", "SjK", "Provide draft PR of `virtio` multi-queue", SAIRAJ),
    ("smp/2023-02-07.md", "MR", "Look into the PR from Sairaj", MARC),
    ("smp/2023-02-07.md", "AP", "Draft text on HackMD regarding synchronization", ANDRA),
    tracker_disagrees(
        ("smp/2023-03-14.md", "AS", "Publish a PR for the current work", ADINA),
        "tracker: could be Andra, not for sure (participants); Andra is AP at this very "
        'meeting (the reviewer: "Andra, Simon and Sairaj are assigned as reviewers"), '
        "Adina is the other A who attended, and AS is Adina elsewhere",
    ),
    tracker_disagrees(
        ("smp/2023-03-14.md", "AP", "Do reviews for the PRs", ANDRA),
        "tracker: could be Andra, not for sure (participants); Andra is the assigned "
        "reviewer (smp 2023-04-11)",
    ),
    tracker_disagrees(
        (
            "app-compat/2022-06-29.md",
            "AS",
            "By tomorrow, June 30, 2022: draft PR with posix-futex",
            ADINA,
        ),
        "tracker: no one in the minutes fits; Adina is the only participant besides RD, "
        "DA and FP, and the futexes are hers",
    ),
    tracker_disagrees(
        ("app-compat/2022-11-07.md", "AS", "Integrate comments from Robert", ADINA),
        "tracker: no one in the minutes fits; AS in app-compat 2022 is Adina",
    ),
    ("app-compat/2022-11-07.md", "DA", "Review Simon's PRs", "DragoșA"),
    ("app-compat/app-compat-2023-03-08.md", "AM", "In 3 weeks time", "AndreiM"),
    tracker_disagrees(
        ("app-compat/app-compat-2023-04-19.md", "TT", "Create a PR to remove clone3", TEO),
        "tracker: could be Teo Tiron or Teodor (a participant or people of the team); the "
        "minutes say Teo Tiron, but nothing in them rules out the others",
    ),
    tracker_disagrees(
        ("app-compat/app-compat-2023-06-07.md", "TL", "Provide draft PR with work on GOT", "Tiany"),
        "tracker: no one in the minutes fits; both spellings are Tiany Liu (`### Tiany "
        "Liu`, app-compat 2023-07-05), one person",
    ),
    ("app-compat/app-compat-2023-06-07.md", "CS", "Look into tests for JDK", None),
    ("app-compat/app-compat-2023-07-12.md", "CV", "Continue testing with JDK", "CosminV"),
    ("app-compat/app-compat-2023-11-15.md", "MP", "Try out forked library version", "MihneaP"),
    tracker_disagrees(
        ("security/2023-01-13.md", "HL", "Create PR on responsibile disclosure", "Hugo"),
        "tracker: no one in the minutes fits; the minutes say Hugo, but nothing in them "
        "rules out the others",
    ),
    ("security/2023-01-13.md", "SS", "Test rebased randomization", "ȘerbanS"),
    ("security/2023-05-03.md", "MP", "Review libsodium PR", MICHALIS),
    ("security/2023-05-03.md", "CB", "Completing CodeQL", "CarolB"),
    ("security/2023-07-12.md", "KD", "Create proposal for page table protection", "Kha Dinh"),
    ("docs/2024-01-10.md", "DP", "Create PR with README for `posix-fdtab`", "Delia"),
    ("docs/2023-11-29.md", "RN", "Update website to fix missing links", None),
    ("bootloaders/2023-04-13.md", "DP", "Make the image even smaller", "Dragos Petre"),
    ("baremetal/2023-11-15.md", "RN", "Work on board bring up", "Radu Niculae"),
    ("vmm/2022-03-23.md", "CV", "Figure out how suspend / resume happens", CRISTI_V),
    ("vmm/2022-04-06.md", "AT", "Work on integrating the `virtio-mmio` work", "AndreiT"),
    ("vmm/2022-04-06.md", "PU", "Work on getting vmxnet3 working", "PaulU"),
    ("vmm/2024-01-29.md", "AM", "Look into repositories for slides", "AlexM"),
    ("gsoc/smp-2022-06-20.md", "SK", "Have testing of mutex + semphore ready", SAIRAJ),
    ("gsoc/ss-2022-06-27.md", "Razvan", "meet next Monday", RAZVAN_D),
    ("mem/2022-02-15.md", "TL", "At some point release this", "Terry"),
    tracker_disagrees(
        ("drivers/2022-04-22.md", "MB", "Work on getting Unikraft running with R-Pi", "Marin"),
        "tracker: could be Marin, not for sure (participants); the minutes say Marin, but "
        "nothing in them rules out the others",
    ),
    tracker_disagrees(
        ("ide/2022-01-18.md", "AS", "Aim to get the IDE release", ADINA),
        "tracker: no one in the minutes fits; Adina is the only participant besides Alex, "
        "RăzvanD and Ștefan, and the extension is hers (community 2022-01-19)",
    ),
    ("musl-syscall/2023-02-22.md", "AM", "Continue with the procfs improvements", "AndreiM"),
    ("profiling/2023-02-15.md", "AV", "Check if the physical memory functions", "AdinaV"),
    ("infrastructure/2023-12-06.md", "RM", "Create initial PRs on governance", "RareșM"),
]


@pytest.fixture(scope="module")
def imported_corpus(django_db_setup, django_db_blocker):
    """The whole corpus, imported once for the module and rolled back after it."""
    require_corpus()
    with django_db_blocker.unblock(), transaction.atomic():
        import_paths([CORPUS])
        yield CORPUS
        transaction.set_rollback(True)


def owner_in(source, name, text):
    """The owner written ``name`` of the item that ``source`` writes as ``text...``."""
    owners = Owner.objects.filter(
        name=name,
        item__mentions__meeting__source=f"discussions/{source}",
        item__mentions__text__startswith=text,
    ).select_related("person")
    found = {owner.pk: owner for owner in owners}
    assert len(found) == 1, f"{source}: {len(found)} owners {name!r} of {text!r}"
    return next(iter(found.values()))


@pytest.mark.parametrize(("source", "name", "text", "expected"), OWNERS)
def test_the_owner_is_who_the_minutes_say(imported_corpus, source, name, text, expected):
    person = owner_in(source, name, text).person

    if expected is None:
        assert person is None
    else:
        assert person is not None
        assert expected in (person.name, person.handle)


def test_no_two_people_share_a_name_or_handle_up_to_case_and_accents(imported_corpus):
    holders = defaultdict(set)
    for person in Person.objects.all():
        for spelling in {person.name, person.handle}:
            holders[name_key(spelling)].add(person.handle)

    assert {key: people for key, people in holders.items() if len(people) > 1} == {}
