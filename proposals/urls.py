from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="proposal_list"),
    path("new/", views.proposal_create, name="proposal_create"),
    path("<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("<int:pk>/delete/", views.proposal_delete, name="proposal_delete"),
    path("<int:pk>/status/", views.proposal_transition, name="proposal_transition"),
    path("<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("<int:pk>/restore/", views.proposal_restore, name="proposal_restore"),
    path("<int:pk>/reply/", views.proposal_reply, name="proposal_reply"),
    path("units/<int:pk>/reply/", views.unit_reply, name="unit_reply"),
    path("units/<int:pk>/letter/", views.unit_letter, name="unit_letter"),
    path("<int:pk>/evaluate/", views.proposal_evaluate, name="proposal_evaluate"),
]
