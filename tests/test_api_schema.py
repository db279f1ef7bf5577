"""The API's OpenAPI description, and requests made from it: whatever they send, no
server error.

schemathesis reads ``/api/schema/`` from the WSGI application and makes requests
to every operation (values the schema allows, and its edges), as a maintainer
with a token, and as no one. The maintainer's changes are aimed at the items there
are, as a client that has just read them, so that they are tried through to the
database rather than stopping at "not found" or "changed since".
"""

import hypothesis
import pytest
import schemathesis
import yaml
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from meetings.models import Item, Person
from tests.helpers import make_item, make_meeting, make_person, make_user
from tracker.wsgi import application

pytestmark = pytest.mark.django_db

# Few examples an operation: the whole file stays well under a minute.
EXAMPLES = hypothesis.settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def api_schema(db):
    """Some minutes to read and change (items with the first ids, which examples try
    most), and the schema as a client reads it."""
    maintainer = make_person("MaraM", user=make_user("mara", is_staff=True))
    teammate = make_person("TomK")
    meeting = make_meeting(participants=[maintainer, teammate])
    make_meeting("2024-02-07", teams=["docs"], participants=[teammate])
    for n in range(6):
        make_item(f"Task {n}", meeting, owners=[maintainer, teammate][: n % 2 + 1], line=n)
    make_item("We use Markdown", meeting, kind=Item.Kind.DECISION, line=9)
    # As Django's test client runs a request: the end of one does not close the
    # connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def token(db):
    return Token.objects.create(user=make_user("mara-script", is_staff=True)).key


def aimed_at_the_items(case):
    """An item's id among the items there are, and for a status change the status and
    version of the item as it is now; the rest as generated. Owners named among the people."""
    if not case.path.startswith("/api/items/{id}"):
        return
    generated = str(case.path_parameters.get("id", ""))
    if not generated.isdecimal():
        return  # an id the schema does not allow: sent as it is
    items = list(Item.objects.order_by("pk"))
    item = items[int(generated) % len(items)]
    case.path_parameters["id"] = str(item.pk)
    body = case.body if isinstance(case.body, dict) else {}
    if case.path.endswith("/status/") and isinstance(body.get("seen_status"), str):
        body.update(seen_status=item.status, seen_version=item.status_version)
    if case.path.endswith("/owners/") and isinstance(body.get("owners"), list):
        handles = list(Person.objects.order_by("pk").values_list("handle", flat=True))
        body["owners"] = [handles[len(str(name)) % len(handles)] for name in body["owners"]]


@schema.parametrize()
@EXAMPLES
def test_no_request_of_a_maintainer_makes_a_server_error(case, token):
    aimed_at_the_items(case)
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])


@schema.parametrize()
@EXAMPLES
def test_no_request_without_credentials_makes_a_server_error(case, settings):
    settings.TRACKER_PUBLIC_READ = True
    case.call_and_validate(checks=[not_a_server_error])


def test_the_schema_documents_the_items_lists_own_filters(client):
    from meetings.filters import ItemFilter

    response = client.get("/api/schema/")
    described = yaml.safe_load(response.content)

    parameters = described["paths"]["/api/items/"]["get"]["parameters"]
    names = {parameter["name"] for parameter in parameters}
    assert names == set(ItemFilter.base_filters) | {"page", "page_size"}
    status = next(p for p in parameters if p["name"] == "status")
    assert status["schema"]["items"]["enum"] == ["done", "dropped", "in_progress", "open"]
    assert set(described["paths"]) == {
        "/api/items/",
        "/api/items/{id}/",
        "/api/items/{id}/status/",
        "/api/items/{id}/owners/",
        "/api/meetings/",
        "/api/meetings/{id}/",
        "/api/people/",
        "/api/people/{slug}/",
        "/api/teams/",
        "/api/teams/{slug}/",
    }
    assert set(described["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
