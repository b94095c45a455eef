from django.urls import path

from supervision.reports import views

app_name = "evaluation"
urlpatterns = [
    path("", views.evaluation, name="index"),
    path("download/", views.evaluation_download, name="download"),
    path("feedback/", views.feedback_start, name="feedback"),
    path("workbook/", views.evaluation_start, name="workbook"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
