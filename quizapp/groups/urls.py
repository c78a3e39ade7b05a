from django.urls import path

from quizapp.groups import exports, trainer_views, views

app_name = "groups"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join, name="join_code"),
    path("groups/<int:pk>/leave/", views.leave, name="leave"),
    path("groups/", trainer_views.group_list, name="list"),
    path("groups/new/", trainer_views.group_create, name="create"),
    path("groups/<int:pk>/", trainer_views.dashboard, name="dashboard"),
    path("groups/<int:pk>/settings/", trainer_views.group_edit, name="edit"),
    path("groups/<int:pk>/join-code/", trainer_views.projector, name="projector"),
    path("groups/<int:pk>/join-code/joining/", trainer_views.joining, name="joining"),
    path("groups/<int:pk>/join-code/new/", trainer_views.regenerate, name="regenerate"),
    path("groups/<int:pk>/trainees/<int:trainee_pk>/", trainer_views.trainee_page, name="trainee"),
    path(
        "groups/<int:pk>/trainees/<int:trainee_pk>/remove/",
        trainer_views.remove_trainee,
        name="remove",
    ),
    path("groups/<int:pk>/export/<slug:what>.<slug:fmt>", exports.export, name="export"),
]
