"""Congress sessions, meetings, the attendance grid, leave requests and speeches."""

from django.urls import path

from activities.sessions import views as v

urlpatterns = [
    path("sessions/", v.session_list, name="session_list"),
    path("sessions/new/", v.session_create, name="session_create"),
    path("sessions/<int:pk>/", v.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", v.session_edit, name="session_edit"),
    path("sessions/<int:pk>/copy/", v.session_copy, name="session_copy"),
    path("sessions/<int:pk>/delete/", v.session_delete, name="session_delete"),
    path("sessions/<int:pk>/meetings/new/", v.meeting_create, name="meeting_create"),
    path("sessions/<int:pk>/attendance/", v.attendance_grid, name="attendance_grid"),
    path("sessions/<int:pk>/attendance/cell/", v.attendance_cell, name="attendance_cell"),
    path("meetings/<int:pk>/edit/", v.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", v.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/signin/", v.signin_sheet, name="signin_sheet"),
    path("meetings/<int:pk>/mark-present/", v.meeting_mark_present, name="meeting_mark_present"),
    path("leave/", v.leave_list, name="leave_list"),
    path("leave/queue/", v.leave_queue, name="leave_queue"),
    path("leave/queue/approve/", v.leave_queue_approve, name="leave_queue_approve"),
    path("leave/queue/count/", v.leave_queue_count, name="leave_queue_count"),
    path("leave/new/", v.leave_create, name="leave_create"),
    path("leave/<int:pk>/", v.leave_detail, name="leave_detail"),
    path("leave/<int:pk>/head/", v.leave_head, name="leave_head"),
    path("leave/<int:pk>/sg/", v.leave_sg, name="leave_sg"),
    path("speeches/", v.speech_list, name="speech_list"),
    path("speeches/new/", v.speech_create, name="speech_create"),
    path("speeches/<int:pk>/edit/", v.speech_edit, name="speech_edit"),
    path("speeches/<int:pk>/delete/", v.speech_delete, name="speech_delete"),
]
