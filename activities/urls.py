"""activities: congress sessions, attendance and leave (sessions/urls.py), then activities,
their attachments, communications and 社情民意 (below)."""

from django.urls import path

from activities import views
from activities.attachments import views as attachment_views
from activities.sessions.urls import urlpatterns as session_patterns

app_name = "activities"
urlpatterns = [
    *session_patterns,
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_create, name="activity_create"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("<int:pk>/participants/add/", views.participant_add, name="participant_add"),
    path("<int:pk>/participants/bulk/", views.participant_bulk, name="participant_bulk"),
    path("<int:pk>/attachments/", attachment_views.attachment_upload, name="attachment_upload"),
    path(
        "attachments/<int:pk>/",
        attachment_views.attachment_download,
        name="attachment_download",
    ),
    path(
        "attachments/<int:pk>/delete/",
        attachment_views.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/participants/set-all/", views.participant_set_all, name="participant_set_all"),
    path("<int:pk>/signin/<str:token>/", views.signin, name="signin"),
    path("participations/<int:pk>/", views.participation_update, name="participation_update"),
    path(
        "participations/<int:pk>/delete/", views.participation_delete, name="participation_delete"
    ),
    path("communications/", views.communication_list, name="communication_list"),
    path("communications/new/", views.communication_create, name="communication_create"),
    path("communications/<int:pk>/edit/", views.communication_edit, name="communication_edit"),
    path(
        "communications/<int:pk>/delete/",
        views.communication_delete,
        name="communication_delete",
    ),
    path("liaison/", views.liaison_list, name="liaison_list"),
    path("liaison/new/", views.liaison_create, name="liaison_create"),
    path("liaison/<int:pk>/delete/", views.liaison_delete, name="liaison_delete"),
    path("opinions/", views.opinion_list, name="opinion_list"),
    path("opinions/new/", views.opinion_create, name="opinion_create"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion_detail"),
    path("opinions/<int:pk>/edit/", views.opinion_edit, name="opinion_edit"),
    path("opinions/<int:pk>/refer/", views.opinion_refer, name="opinion_refer"),
    path("opinions/<int:pk>/status/", views.opinion_status, name="opinion_status"),
    path("opinions/<int:pk>/delete/", views.opinion_delete, name="opinion_delete"),
]
