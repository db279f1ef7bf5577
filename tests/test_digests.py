"""Digests: a mail of each person's open items, as often as they chose, never twice a period."""

import datetime as dt
import io
import re
import smtplib

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from meetings.digests import send_digests
from meetings.models import Comment, Digest, DigestEvery, Item, Person
from tests import helpers
from tests.helpers import make_meeting, make_person, make_user, page
from tests.processes import environment, running, wait_until, worker_command

pytestmark = pytest.mark.django_db

# A Wednesday: ISO week 2024-W03.
TODAY = dt.date(2024, 1, 17)
NOW = timezone.make_aware(dt.datetime(2024, 1, 17, 7, 0))


def aware(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def make_item(text, meeting, owners, **fields):
    """An item the import made on its meeting's day."""
    return helpers.make_item(text, meeting, owners=owners, created=aware(meeting.date), **fields)


@pytest.fixture
def maria(db):
    return make_person("MariaP", user=make_user("maria", email="maria@example.org"))


@pytest.fixture
def tom(db):
    return make_person("TomK", user=make_user("tom", email="tom@example.org"))


@pytest.fixture
def items(maria, tom):
    """Maria's open items in two teams, one of them stale, and one done."""
    old = make_meeting("2023-08-02", teams=["core"], participants=[maria, tom])
    recent = make_meeting("2024-01-10", teams=["core"], participants=[maria, tom])
    docs = make_meeting("2024-01-03", teams=["docs"], participants=[maria])
    return {
        "stale": make_item("Fix the build", old, [maria]),
        "recent": make_item("Write the **release** notes", recent, [maria]),
        "docs": make_item("Proofread the guide", docs, [maria]),
        "done": make_item("Old chore", recent, [maria], status=Item.Status.DONE),
        "toms": make_item("Tom's task", recent, [tom]),
    }


def run(**options):
    return send_digests(today=options.pop("today", TODAY), now=options.pop("now", NOW), **options)


def mail_to(address):
    [sent] = [message for message in mail.outbox if message.to == [address]]
    return sent


def test_a_weekly_digest_lists_open_items_by_team_newest_first_with_age_and_stale_marks(items):
    run()

    digest = mail_to("maria@example.org")
    assert digest.subject == "Your week: 3 open items"
    text = digest.body
    assert "You have 3 open items." in text
    core, docs = text.index("\ncore\n"), text.index("\ndocs\n")
    assert core < docs
    core_part = text[core:docs]
    # Newest first, Markdown as plain text, each with its age and link.
    assert core_part.index("Write the release notes") < core_part.index("Fix the build")
    assert f"open 7 days · http://127.0.0.1:8000/items/{items['recent'].pk}/" in core_part
    assert "open 168 days, stale: no meeting has raised it for a while" in core_part
    assert "Proofread the guide" in text[docs:]
    assert "Old chore" not in text and "Tom's task" not in text
    html = digest.alternatives[0][0]
    assert f'<a href="http://127.0.0.1:8000/items/{items["recent"].pk}/">' in html
    assert "<strong>stale</strong>" in html
    row = Digest.objects.get(person__handle="MariaP")
    assert (row.period, row.open_items) == ("2024-W03", 3)


def test_a_second_run_in_the_same_week_sends_nothing_and_the_next_week_sends_again(items):
    assert len(run().sent) == 2  # Maria and Tom
    again = run(today=TODAY + dt.timedelta(days=2), now=NOW + dt.timedelta(days=2))

    assert again.sent == []
    assert len(mail.outbox) == 2
    assert {why for _, why in again.skipped} == {"sent already for 2024-W03"}

    run(today=TODAY + dt.timedelta(days=5), now=NOW + dt.timedelta(days=5))
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].subject.startswith("Your week:")


def test_the_digest_says_what_changed_since_the_last_one(items, maria, tom):
    run()
    mail.outbox.clear()
    later = NOW + dt.timedelta(days=7)
    items["recent"].set_status(tom.user, Item.Status.DONE)
    Comment.objects.create(item=items["docs"], user=tom.user, text="Page 3 first?", created=later)
    Comment.objects.create(item=items["docs"], user=maria.user, text="My own note", created=later)
    make_item("Book the room", make_meeting("2024-01-24", participants=[maria]), [maria])

    run(today=TODAY + dt.timedelta(days=7), now=later + dt.timedelta(hours=1))

    text = mail_to("maria@example.org").body
    assert "Since 17 Jan 2024:" in text
    assert "- New: Book the room" in text
    assert "- Done (by TomK): Write the release notes" in text
    assert '- TomK commented on Proofread the guide: "Page 3 first?"' in text
    assert "My own note" not in text
    assert "3 changes" in mail_to("maria@example.org").subject


def test_only_people_with_an_account_an_email_and_a_wish_for_it_get_one(items, maria, tom):
    make_item("Nobody's account", items["recent"].meeting, [make_person("Anon")])
    no_email = make_person("NoMail", user=make_user("nomail"))
    make_item("No address", items["recent"].meeting, [no_email])
    tom.digest = DigestEvery.NEVER
    tom.save()
    inactive = make_person("Gone", user=make_user("gone", email="gone@example.org"))
    inactive.user.is_active = False
    inactive.user.save()
    make_item("Left", items["recent"].meeting, [inactive])

    run()

    assert [message.to for message in mail.outbox] == [["maria@example.org"]]


def test_a_person_with_nothing_open_and_nothing_changed_gets_no_mail(maria):
    report = run()

    assert mail.outbox == []
    assert report.skipped == [(maria, "no open items and nothing changed")]


def test_before_each_meeting_goes_out_the_day_before_the_teams_next_meeting(maria, tom):
    # The core team meets weekly on Wednesdays: the next is expected on 24 Jan.
    for day in ("2024-01-03", "2024-01-10", "2024-01-17"):
        meeting = make_meeting(day, teams=["core"], participants=[maria])
    make_item("Prepare the demo", meeting, [maria])
    maria.digest = DigestEvery.MEETING
    maria.save()

    assert run(today=dt.date(2024, 1, 21)).sent == []
    report = run(today=dt.date(2024, 1, 23))
    again = run(today=dt.date(2024, 1, 24))

    [(due, _)] = report.sent
    assert due.period == "core 2024-01-24"
    subject = "Before core's meeting on Wed 24 Jan: your 1 open item, 1 change"
    assert mail.outbox[0].subject == subject
    assert "core meets next on Wed 24 Jan 2024." in mail.outbox[0].body
    assert again.sent == [] and len(mail.outbox) == 1


def test_team_option_sends_only_to_that_teams_people(items):
    call_command("send_digests", "--team", "docs", stdout=io.StringIO())

    # Only Maria went to a docs meeting; the digest is still all her items.
    assert [message.to for message in mail.outbox] == [["maria@example.org"]]


def test_an_unknown_team_is_an_error_naming_it_and_the_teams_there_are(items):
    with pytest.raises(CommandError, match=r"no team 'nope' \(teams: core, docs\)"):
        call_command("send_digests", "--team", "nope")


def test_a_dry_run_says_who_would_get_what_and_sends_nothing(items, capsys):
    call_command("send_digests", "--dry-run")

    out = capsys.readouterr().out
    assert "Would send 2 digests." in out
    assert "MariaP <maria@example.org> for " in out and ": 3 open, 0 changed" in out
    assert mail.outbox == [] and not Digest.objects.exists()


def test_a_mail_the_server_refuses_is_tried_again_by_the_next_run(items, monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({"maria@example.org": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    report = run()
    assert not Digest.objects.exists()
    assert "SMTPRecipientsRefused" in report.skipped[0][1]

    monkeypatch.undo()
    run()
    assert Digest.objects.count() == 2


def test_a_person_chooses_how_often_on_their_page(client, maria, tom):
    client.force_login(maria.user)
    body = page(client.get(f"/people/{maria.slug}/"))
    assert "A mail to maria@example.org of your open items" in body
    assert re.search(r'value="week"[^>]* checked>', body)

    assert "The last went out" not in body

    response = client.post(f"/people/{maria.slug}/digest/", {"digest": "meeting"}, follow=True)

    assert "Your digest: before each meeting of my teams." in page(response)
    assert Person.objects.get(pk=maria.pk).digest == DigestEvery.MEETING
    assert re.search(r'value="meeting"[^>]* checked>', page(response))
    assert not re.search(r'value="week"[^>]* checked>', page(response))
    # The latest digest sent, of several.
    for day in (2, 9):
        sent = timezone.make_aware(dt.datetime(2026, 11, day, 7, 30))
        Digest.objects.create(person=maria, period=f"p{day}", sent=sent, open_items=1, changes=0)
    assert "The last went out on 9 Nov 2026, 07:30." in page(client.get(f"/people/{maria.slug}/"))
    # Nobody else's page offers it, and nobody else may change it.
    assert "Your digest" not in page(client.get(f"/people/{tom.slug}/"))
    assert client.post(f"/people/{tom.slug}/digest/", {"digest": "never"}).status_code == 403
    assert Person.objects.get(pk=tom.pk).digest == DigestEvery.WEEK


def test_a_wrong_choice_says_so_and_changes_nothing(client, maria):
    client.force_login(maria.user)

    response = client.post(f"/people/{maria.slug}/digest/", {"digest": "daily"}, follow=True)

    assert "Choose how often your digest comes" in page(response)
    assert "daily is not one of the available choices" in page(response)
    assert Person.objects.get(pk=maria.pk).digest == DigestEvery.WEEK


@pytest.mark.django_db(transaction=True)
def test_queued_digests_are_sent_by_the_task_worker(maria, tmp_path, capsys):
    today = timezone.localdate()
    meeting = make_meeting(str(today - dt.timedelta(days=3)), participants=[maria])
    make_item("Ship the digest", meeting, [maria])
    outbox = tmp_path / "mail"

    call_command("send_digests", "--queue")
    assert "Queued for the task worker" in capsys.readouterr().out
    assert not Digest.objects.exists()  # nothing is sent in the command itself
    with running(worker_command(), environment(EMAIL_FILE_PATH=str(outbox)), tmp_path / "w.log"):
        wait_until(Digest.objects.exists, what="the worker's digest")

    [written] = outbox.iterdir()
    text = written.read_text()
    assert "To: maria@example.org" in text
    assert "Ship the digest" in text
    assert Digest.objects.get().period == "{}-W{:02}".format(*today.isocalendar()[:2])


def test_maintainers_see_the_digests_sent_in_the_admin(client, items):
    run()
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))

    body = page(client.get("/admin/meetings/digest/"))

    assert "MariaP" in body and "2024-W03" in body
    assert client.get("/admin/meetings/digest/add/").status_code == 403


def test_old_minutes_imported_lately_are_not_news_and_a_long_list_says_how_many_more(
    maria,
):
    # Two years of minutes imported this week: Maria's items, none of them news.
    old = make_meeting("2022-03-02", participants=[maria])
    for n in range(3):
        helpers.make_item(f"Old task {n}", old, owners=[maria], created=NOW)
    # And 23 new ones from this week's meeting.
    this_week = make_meeting("2024-01-15", participants=[maria])
    for n in range(23):
        helpers.make_item(f"New task {n}", this_week, owners=[maria], created=NOW)

    run(now=NOW + dt.timedelta(hours=1))

    text = mail_to("maria@example.org").body
    assert text.count("- New: New task") == 20
    assert "- New: Old task" not in text
    assert "- and 3 more: http://127.0.0.1:8000/people/mariap/" in text
    assert mail.outbox[0].subject == "Your week: 26 open items, 23 changes"


def test_a_dry_run_says_why_someone_gets_none(maria, tom, capsys):
    # Core last met in March: its next meeting, a week on, is long past.
    for day in ("2024-03-06", "2024-03-13"):
        make_meeting(day, teams=["core"], participants=[maria])
    maria.digest = DigestEvery.MEETING
    maria.save()
    tom.user.email = ""
    tom.user.save()

    call_command("send_digests", "--dry-run")

    out = capsys.readouterr().out
    assert (
        "not to MariaP: no meeting of their teams within 1 day (expected: core on 20 Mar 2024)"
        in out
    )
    assert "not to TomK: no email address: neither their account nor they" in out
