from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.claim, name="claim"),
    path("items/", views.items, name="items"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/status/", views.item_status, name="item_status"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("people/", views.people, name="people"),
    path("people/<str:handle>/", views.person, name="person"),
    path("teams/<slug:slug>/", views.team, name="team"),
]
