from django.urls import path

from meetings.views import (
    claims,
    conversation,
    feeds,
    home,
    items,
    matching,
    meetings,
    people,
    search,
    teams,
    triage,
)

app_name = "meetings"

urlpatterns = [
    path("", home.home, name="home"),
    path("me/", claims.claim, name="claim"),
    path("items/", items.items, name="items"),
    path("items/status/", triage.bulk_status, name="bulk_status"),
    path("items/status/<int:pk>/undo/", triage.bulk_undo, name="bulk_undo"),
    path("items/mentions.csv", items.mentions_csv, name="mentions_csv"),
    path("items/<int:pk>/", items.item, name="item"),
    path("items/<int:pk>/status/", items.item_status, name="item_status"),
    path("items/<int:pk>/comments/", conversation.comment, name="item_comment"),
    path("items/<int:pk>/owners/", conversation.reassign, name="item_reassign"),
    path("items/<int:pk>/mentions/<int:mention>/split/", matching.split, name="item_split"),
    path("items/<int:pk>/owners/<int:owner>/", matching.owner, name="item_owner"),
    path(
        "items/<int:pk>/candidates/<int:candidate>/",
        matching.candidate,
        name="item_candidate",
    ),
    path(
        "items/<int:pk>/suggestions/<int:suggestion>/",
        matching.suggestion,
        name="item_suggestion",
    ),
    path("review/", matching.review, name="review"),
    path("review/candidates/", matching.review_decide, name="review_decide"),
    path("review/done/", matching.review_done, name="review_done"),
    path("review/claims/", claims.review_claims, name="review_claims"),
    path("review/claims/<int:pk>/", claims.decide_claim, name="claim_decision"),
    path("meetings/", meetings.meetings, name="meetings"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path("people/", people.people, name="people"),
    path("people/<str:slug>/", people.person, name="person"),
    path("people/<str:slug>/feed-token/", feeds.reset_token, name="feed_token"),
    path("feeds/<str:token>/items.atom", feeds.ItemsFeed(), name="items_feed"),
    path("feeds/<str:token>/items.ics", feeds.calendar, name="items_calendar"),
    path("feeds/<str:token>/teams/<slug:slug>.atom", feeds.TeamItemsFeed(), name="team_feed"),
    path("search/", search.search, name="search"),
    path("teams/<slug:slug>/", teams.team, name="team"),
    path("teams/<slug:slug>/triage/", triage.triage, name="triage"),
    path("teams/<slug:slug>/next/", teams.next_meeting, name="next_meeting"),
]
