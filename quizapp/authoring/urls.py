from django.urls import path

from quizapp.authoring import views

app_name = "authoring"
urlpatterns = [
    path("", views.question_list, name="list"),
    path("status/", views.bulk_status, name="bulk_status"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.set_status, name="status"),
]
