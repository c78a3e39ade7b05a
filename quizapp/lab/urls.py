from django.urls import path

from quizapp.lab import trainer_views, views

app_name = "lab"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.lab_page, name="lab"),
    path("<int:pk>/check/<slug:kind>/", views.start_check, name="check"),
    path("<int:pk>/practice-messages/", views.practice_messages, name="practice_messages"),
    path("runs/<int:pk>/", views.run_page, name="run"),
    path("trainer/", trainer_views.lab_list, name="trainer_labs"),
    path("trainer/new/", trainer_views.lab_create, name="trainer_lab_create"),
    path("trainer/<int:pk>/", trainer_views.lab_edit, name="trainer_lab_edit"),
]
