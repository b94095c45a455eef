from django.urls import path

from . import views

app_name = "planner"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("groups/<int:pk>/remind/", views.remind, name="remind"),
]
