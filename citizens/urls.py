from django.urls import path

from . import views

app_name = "citizens"

urlpatterns = [
    # Public (no login): reached by the QR code; the token is random, not the deputy's id.
    path("d/<str:token>/", views.page, name="page"),
    path("lookup/", views.lookup, name="lookup"),
    # Signed in.
    path("inbox/", views.inbox, name="inbox"),
    path("messages/<int:pk>/", views.detail, name="detail"),
    path("messages/<int:pk>/reply/", views.reply, name="reply"),
    path("messages/<int:pk>/opinion/", views.make_opinion, name="make_opinion"),
    path("messages/<int:pk>/refer/", views.refer, name="refer"),
    path("messages/<int:pk>/hotline/", views.hotline_status, name="hotline_status"),
    path("messages/<int:pk>/callback/", views.callback, name="callback"),
    path("messages/<int:pk>/hide/", views.hide, name="hide"),
    path("posters/deputy/<int:pk>/", views.poster, name="poster"),
    path("posters/place/", views.place_poster, name="place_poster"),
]
