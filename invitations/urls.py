from django.urls import path

from . import views

app_name = "invitations"

urlpatterns = [
    path("", views.invitation_list, name="list"),
    path("new/", views.invitation_create, name="create"),
    path("<int:pk>/", views.invitation_detail, name="detail"),
    path("<int:pk>/replies/", views.invitation_replies, name="replies"),
    path("<int:pk>/chase/", views.invitation_chase, name="chase"),
    path("<int:pk>/edit/", views.invitation_edit, name="edit"),
    path("<int:pk>/cancel/", views.invitation_cancel, name="cancel"),
    path("replies/<int:pk>/leave/", views.leave_decide, name="leave_decide"),
    path("mine/", views.my_invitations, name="mine"),
    path("mine/<int:pk>/", views.reply, name="reply"),
]
