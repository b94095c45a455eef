from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    # The ledger workbook import (履职台账导入).
    path("ledger/import/", views.ledger_import, name="ledger_import"),
    path("ledger/import/<str:token>/", views.ledger_preview, name="ledger_preview"),
    path("ledger/template.xlsx", views.ledger_template, name="ledger_template"),
]
