from django.urls import path

from quizapp.exams import trainer_views, views

app_name = "exams"
urlpatterns = [
    path("", views.index, name="index"),
    path("attempt/<int:pk>/", views.attempt_page, name="attempt"),
    path("attempt/<int:pk>/q/<int:position>/", views.attempt_page, name="item"),
    path("attempt/<int:pk>/q/<int:position>/save/", views.save, name="save"),
    path("attempt/<int:pk>/summary/", views.summary, name="summary"),
    path("attempt/<int:pk>/submit/", views.submit, name="submit"),
    path("attempt/<int:pk>/results/", views.results, name="results"),
    path("attempt/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate"),
    path("attempt/<int:pk>/certificate/withdraw/", views.withdraw, name="withdraw"),
    path("given/<int:pk>/start/", views.start_given, name="start_given"),
    path("given/<int:pk>/", trainer_views.monitor, name="monitor"),
    path("given/<int:pk>/extra-time/", trainer_views.extra_time, name="extra_time"),
    path("<slug:slug>/give/", trainer_views.give, name="give"),
    path("<slug:slug>/", views.exam_page, name="exam"),
    path("<slug:slug>/start/", views.start, name="start"),
    path("<slug:slug>/copy/", trainer_views.copy, name="copy"),
    path("<slug:slug>/edit/", trainer_views.edit, name="edit"),
]
