from django.urls import path

from quizapp.lab import autoconfig_views, trainer_views, views
from quizapp.lab.faults import views as fault_views

app_name = "lab"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.lab_page, name="lab"),
    path("<int:pk>/check/<slug:kind>/", views.start_check, name="check"),
    path("<int:pk>/practice-messages/", views.practice_messages, name="practice_messages"),
    path("<int:pk>/config-v1.1.xml", autoconfig_views.lab_thunderbird, name="autoconfig"),
    path("<int:pk>/profile.mobileconfig", autoconfig_views.apple_profile, name="mobileconfig"),
    path("<int:pk>/diagnose/ticket/", fault_views.new_ticket, name="new_ticket"),
    path("<int:pk>/diagnose/answer/", fault_views.answer, name="diagnose"),
    path("runs/<int:pk>/", views.run_page, name="run"),
    path("trainer/", trainer_views.lab_list, name="trainer_labs"),
    path("trainer/new/", trainer_views.lab_create, name="trainer_lab_create"),
    path("trainer/<int:pk>/", trainer_views.lab_edit, name="trainer_lab_edit"),
    path("trainer/<int:pk>/tickets/", fault_views.trainer_tickets, name="trainer_tickets"),
]
