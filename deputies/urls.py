from django.urls import path

from . import history, views

app_name = "deputies"
urlpatterns = [
    path("", views.deputy_list, name="list"),
    path("pick/", views.deputy_pick, name="pick"),
    path("mine/", views.my_file, name="mine"),
    path("mine/history/", history.my_history, name="my_history"),
    path("new/", views.deputy_create, name="create"),
    path("<int:pk>/", views.deputy_detail, name="detail"),
    path("<int:pk>/history/", history.deputy_history, name="history"),
    path("<int:pk>/edit/", views.deputy_edit, name="edit"),
    path("<int:pk>/service/new/", views.service_create, name="service_create"),
    path("service/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("service/<int:pk>/delete/", views.service_delete, name="service_delete"),
    path("<int:pk>/suspensions/new/", views.suspension_create, name="suspension_create"),
    path("suspensions/<int:pk>/edit/", views.suspension_edit, name="suspension_edit"),
    path("suspensions/<int:pk>/delete/", views.suspension_delete, name="suspension_delete"),
    path("<int:pk>/termination/", views.termination_edit, name="termination"),
    path("<int:pk>/termination/delete/", views.termination_delete, name="termination_delete"),
    path("<int:pk>/constituents.xlsx", views.constituent_list, name="constituents_xlsx"),
    path("<int:pk>/constituents/new/", views.constituent_create, name="constituent_create"),
    path("constituents/<int:pk>/edit/", views.constituent_edit, name="constituent_edit"),
    path("constituents/<int:pk>/delete/", views.constituent_delete, name="constituent_delete"),
    path("<int:pk>/liaison/new/", views.liaison_create, name="liaison_create"),
    path("liaison/<int:pk>/delete/", views.liaison_delete, name="liaison_delete"),
]
