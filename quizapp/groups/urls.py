from django.urls import path

from quizapp.groups import views

app_name = "groups"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join, name="join_code"),
    path("groups/", views.group_list, name="list"),
    path("groups/<int:pk>/", views.dashboard, name="dashboard"),
]
