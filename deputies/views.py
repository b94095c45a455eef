from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from .scopes import user_scope


@login_required
def home(request):
    """A simple home page per role; the feature pages come in later issues."""
    return render(request, "home.html", {"scope": user_scope(request.user)})


def healthz(request):
    """Liveness: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"database": "ok"})
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return JsonResponse({"database": str(exc)}, status=503)
