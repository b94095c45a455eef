from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import page_views, views

app_name = "api"

router = SimpleRouter()
router.register("terms", views.TermViewSet, basename="term")
router.register("delegations", views.DelegationViewSet, basename="delegation")
router.register("groups", views.GroupViewSet, basename="group")
router.register("deputies", views.DeputyViewSet, basename="deputy")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("attendances", views.AttendanceViewSet, basename="attendance")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("proposals", views.ProposalViewSet, basename="proposal")

v1 = [
    path("", include(router.urls)),
    path("evaluations/<int:year>/", views.EvaluationView.as_view(), name="evaluation"),
    path("signins/", views.SignInView.as_view(), name="signin"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("clients/", page_views.clients, name="clients"),
    path("clients/<int:pk>/revoke/", page_views.revoke, name="client_revoke"),
]
