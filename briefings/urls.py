from django.urls import path

from . import views

app_name = "briefings"

urlpatterns = [
    path("", views.briefing_list, name="list"),
    path("new/", views.briefing_create, name="create"),
    path("<int:pk>/", views.briefing_detail, name="detail"),
    path("<int:pk>/receipts.xlsx", views.briefing_export, name="export"),
    path("mine/", views.my_briefings, name="mine"),
    path("mine/<int:pk>/", views.briefing_read, name="read"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
