"""Importing minutes through the admin in a real browser: upload, preview, confirm."""

import zipfile

from playwright.sync_api import expect

from meetings.models import ImportLog, Item, Meeting
from tests.helpers import SAMPLES

PASSWORD = "a long password 42"


def log_in(page, url, user):
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_a_maintainer_uploads_minutes_sees_the_preview_and_confirms(live_server, page, maintainer):
    log_in(page, live_server.url, maintainer)

    page.get_by_role("link", name="Import minutes").click()
    page.set_input_files(
        "input[name=files]",
        [SAMPLES / "core" / "2026-01-07.md", SAMPLES / "docs" / "2026-01-15.md"],
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.locator("h1")).to_have_text("Preview: import minutes")
    expect(page.get_by_text("2 new, 0 updated, 0 unchanged")).to_be_visible()
    first = page.locator(".import-file", has_text="2026-01-07.md")
    expect(first.locator("dd").first).to_have_text("Wed 7 Jan 2026")
    expect(first).to_contain_text("MariaP, TomK, Ana Lopes, Jonas, SamirB")
    expect(first).to_contain_text("Draft the 1.0 release plan")
    expect(first).to_contain_text("MP (person: MariaP)")
    assert not Meeting.objects.exists()

    page.get_by_role("button", name="Import 2 files").click()

    expect(page.locator("h1")).to_have_text("Import result")
    expect(page.get_by_text("Imported: 2 new, 0 updated, 0 unchanged, 0 failed.")).to_be_visible()
    assert set(Meeting.objects.values_list("file_name", flat=True)) == {
        "2026-01-07.md",
        "2026-01-15.md",
    }
    assert Item.objects.filter(text="Draft the 1.0 release plan.").exists()
    assert ImportLog.objects.get().user == maintainer


def test_a_long_preview_and_import_show_their_progress_and_then_their_result(
    live_server, page, maintainer, task_worker, tmp_path
):
    folder = tmp_path / "minutes.zip"
    files = sorted(SAMPLES.glob("*/*.md"))
    with zipfile.ZipFile(folder, "w") as archive:
        for path in files:
            archive.write(path, f"minutes/{path.relative_to(SAMPLES)}")
    count = len(files)
    log_in(page, live_server.url, maintainer)

    page.goto(f"{live_server.url}/admin/meetings/meeting/import/")
    page.set_input_files("input[name=files]", folder)
    page.get_by_role("button", name="Preview").click()

    # The worker reads the files; htmx follows it, then shows the whole preview.
    expect(page.get_by_text(f"{count} new, 0 updated, 0 unchanged")).to_be_visible(timeout=60_000)
    assert not Meeting.objects.exists()
    page.get_by_role("button", name=f"Import {count} files").click()

    expect(page.locator("h1")).to_have_text("Import result")
    expect(page.get_by_text(f"{count} new, 0 updated, 0 unchanged, 0 failed")).to_be_visible(
        timeout=60_000
    )
    assert Meeting.objects.count() == count
    assert ImportLog.objects.get().state == ImportLog.State.DONE
