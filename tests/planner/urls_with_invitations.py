"""The project's URLs plus a stand-in for the invitations app's create page (another branch
builds it): the planner's button must link there with the list."""

from django.http import HttpResponse
from django.urls import include, path

from jdrenda.urls import urlpatterns as project

invitations = ([path("new/", lambda request: HttpResponse(""), name="create")], "invitations")
urlpatterns = [*project, path("invitations/", include(invitations))]
