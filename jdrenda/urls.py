from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

from deputies import mfa
from deputies import views as deputy_views
from jdrenda import health

admin.site.site_header = "嘉定区人大代表履职管理系统"
admin.site.site_title = "代表履职管理"
admin.site.index_title = "数据管理"
# The admin's own login form would skip the TOTP step: send it through allauth's login.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", deputy_views.home, name="home"),
    path("accounts/2fa/totp/new-secret/", mfa.new_totp_secret, name="mfa_new_totp_secret"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("deputies/", include("deputies.urls")),
    path("activities/", include("activities.urls")),
    path("proposals/", include("proposals.urls")),
    path("supervision/", include("supervision.urls")),
    path("evaluation/", include("supervision.reports.urls")),
    path("dashboard/", include("supervision.dashboard.urls")),
    path("notifications/", include("supervision.notifications.urls")),
    path("rulesets/", include("supervision.rulesets.urls")),
    path("planner/", include("planner.urls")),
    path("invitations/", include("invitations.urls")),
    path("briefings/", include("briefings.urls")),
    path("citizens/", include("citizens.urls")),
    path("api/", include("api.urls")),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on their own (the admin, files opened directly).
    path(
        "favicon.ico", require_safe(lambda request: redirect(static("favicon.ico"))), name="favicon"
    ),
]
