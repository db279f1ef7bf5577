"""Settings from the environment: safe defaults, clear errors, and a clean `check --deploy`.

Each case starts Python afresh with only the environment it names, as a
server would start: settings are read once, when the process starts.
"""

import json
import re
import secrets
import subprocess
import sys
import textwrap

import pytest

from tests.helpers import ROOT

README = (ROOT / "README.md").read_text()
SETTINGS = (ROOT / "tracker" / "settings.py").read_text()


def run(code, env):
    """Run ``code`` in a new Python with the project's settings and only ``env`` set."""
    bare = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={**bare, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_with(env, *names):
    """The values of setting ``names`` in a process started with ``env``."""
    code = f"""
        import json
        from tracker import settings
        print(json.dumps({{name: getattr(settings, name, None) for name in {names!r}}}))
    """
    done = run(code, env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def refusal(env):
    """The error a process started with ``env`` stops with."""
    done = run("from tracker import settings", env)
    assert done.returncode != 0
    return done.stderr.strip().splitlines()[-1]


def production():
    """The production settings the README documents, with a fresh secret key."""
    block = re.search(r"<!-- production-settings -->\n```sh\n(.*?)```", README, re.S).group(1)
    env = dict(line.split("=", 1) for line in block.splitlines() if line.strip())
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # the README shows how to make one
    return env


def test_debug_is_off_unless_asked_for():
    assert settings_with({"SECRET_KEY": "x" * 50}, "DEBUG")["DEBUG"] is False
    assert settings_with({"DEBUG": "true"}, "DEBUG")["DEBUG"] is True


def test_without_a_secret_key_one_is_made_once_for_the_install_and_kept_private(tmp_path):
    path = tmp_path / "key"
    env = {"SECRET_KEY_FILE": str(path)}

    first = settings_with(env, "SECRET_KEY")["SECRET_KEY"]
    again = settings_with(env, "SECRET_KEY")["SECRET_KEY"]

    assert len(first) >= 50
    assert again == first
    assert path.read_text().strip() == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert settings_with({**env, "SECRET_KEY": "y" * 50}, "SECRET_KEY")["SECRET_KEY"] == "y" * 50


def test_a_key_file_that_cannot_be_written_stops_the_start_saying_what_to_set(tmp_path):
    missing = tmp_path / "no-such-folder" / "key"

    assert refusal({"SECRET_KEY_FILE": str(missing)}) == (
        f"django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set and {missing} "
        "cannot be written (No such file or directory): set SECRET_KEY, or SECRET_KEY_FILE "
        "to a file this user may write"
    )


def test_without_debug_https_is_required():
    values = settings_with(
        {"SECRET_KEY": "x" * 50},
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "ALLOWED_HOSTS",
    )

    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "ALLOWED_HOSTS": [],
    }


def test_a_developers_machine_needs_no_https():
    values = settings_with({"DEBUG": "true"}, "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE")

    assert values == {"SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        ({"LOGIN_FAILURE_LIMIT": "five"}, "LOGIN_FAILURE_LIMIT must be a whole number, not 'five'"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT must be 1 or more"),
        ({"SECURE_HSTS_SECONDS": "1y"}, "SECURE_HSTS_SECONDS must be a whole number, not '1y'"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not 'loud'"),
        ({"ADMINS": "ops"}, "ADMINS must be addresses separated by commas"),
        (
            {"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"},
            "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on",
        ),
        (
            {"BEHIND_PROXY": "true", "PROXY_COUNT": "0"},
            "PROXY_COUNT must be 1 or more when BEHIND_PROXY is on",
        ),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(env, message):
    assert message in refusal({"DEBUG": "true", **env})


def test_admins_are_read_as_names_and_addresses():
    admins = settings_with(
        {"DEBUG": "true", "ADMINS": "Ana Pop <ana@example.org>, ops@example.org"}, "ADMINS"
    )["ADMINS"]

    assert admins == [["Ana Pop", "ana@example.org"], ["ops@example.org", "ops@example.org"]]


def test_mail_goes_to_the_console_in_development_and_nowhere_unconfigured_in_production():
    names = ("EMAIL_BACKEND", "TRACKER_SENDS_MAIL")
    development = settings_with({"DEBUG": "true"}, *names)
    unconfigured = settings_with({"SECRET_KEY": "x" * 50}, *names)

    assert development == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "TRACKER_SENDS_MAIL": True,
    }
    assert unconfigured == {
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "TRACKER_SENDS_MAIL": False,
    }


def test_a_mail_server_is_read_from_the_environment():
    env = {
        "SECRET_KEY": "x" * 50,
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_HOST_USER": "tracker",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_SSL": "true",
        "DEFAULT_FROM_EMAIL": "tracker@example.org",
    }
    names = (
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
        "SERVER_EMAIL",
        "TRACKER_SENDS_MAIL",
    )

    assert settings_with(env, *names) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 465,
        "EMAIL_HOST_USER": "tracker",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": True,
        "SERVER_EMAIL": "tracker@example.org",
        "TRACKER_SENDS_MAIL": True,
    }


def test_behind_a_proxy_its_headers_are_trusted_and_not_otherwise():
    names = ("SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST")

    behind = settings_with({"DEBUG": "true", "BEHIND_PROXY": "true"}, *names)
    direct = settings_with({"DEBUG": "true"}, *names)

    assert behind == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "USE_X_FORWARDED_HOST": True,
    }
    assert direct == {"SECURE_PROXY_SSL_HEADER": None, "USE_X_FORWARDED_HOST": None}


def check_deploy(env):
    done = run(
        "import django, sys\n"
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        env,
    )
    return done.returncode, done.stdout + done.stderr


def test_check_deploy_finds_nothing_with_the_documented_production_settings():
    status, output = check_deploy(production())

    assert output.strip() == "System check identified no issues (0 silenced)."
    assert status == 0


def test_check_deploy_warns_without_hsts():
    env = production()
    del env["SECURE_HSTS_SECONDS"]

    status, output = check_deploy(env)

    assert status == 1
    assert "security.W004" in output


def test_production_logs_a_failing_request_with_its_traceback_to_stderr():
    code = """
        import sys, types
        import django
        from django.conf import settings
        from django.urls import path

        def boom(request):
            raise ZeroDivisionError("the numbers ran out")

        urls = types.ModuleType("boom_urls")
        urls.urlpatterns = [path("boom/", boom)]
        sys.modules["boom_urls"] = urls
        django.setup()
        settings.ROOT_URLCONF = "boom_urls"
        from django.test import Client
        response = Client(raise_request_exception=False).get("/boom/", secure=True)
        print(response.status_code)
    """
    env = {**production(), "ALLOWED_HOSTS": "testserver", "EMAIL_HOST": ""}

    done = run(code, env)

    assert done.stdout.strip() == "500"
    assert "ERROR django.request" in done.stderr
    assert "Internal Server Error: /boom/" in done.stderr
    assert "Traceback (most recent call last):" in done.stderr
    assert "ZeroDivisionError: the numbers ran out" in done.stderr


def test_the_readme_lists_every_setting_read_from_the_environment():
    read = set(re.findall(r'(?:env_\w+|os\.environ\.get)\("([A-Z_]+)"', SETTINGS))
    table = README[README.index("## Settings") : README.index("### Production")]
    documented = set(re.findall(r"`([A-Z][A-Z_]+)`", table))

    assert read, "no setting found in settings.py"
    assert sorted(read - documented) == []
