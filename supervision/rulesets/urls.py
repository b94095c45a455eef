from django.urls import path

from supervision.rulesets import views

app_name = "rulesets"
urlpatterns = [
    path("", views.version_list, name="list"),
    path("import/", views.version_import, name="import"),
    path("rejudge/", views.rejudge, name="rejudge"),
    path("<int:pk>/", views.version_detail, name="detail"),
    path("<int:pk>/copy/", views.version_copy, name="copy"),
    path("<int:pk>/edit/", views.version_edit, name="edit"),
    path("<int:pk>/publish/", views.version_publish, name="publish"),
    path("<int:pk>/export.json", views.version_export, name="export"),
]
