from django.urls import path

from quizapp.grouplabs import views

app_name = "grouplabs"
urlpatterns = [
    path("runs/", views.run_list, name="runs"),
    path("<int:pk>/mailboxes/", views.manage, name="manage"),
    path("<int:pk>/mailboxes/create/", views.create_mailboxes, name="create_mailboxes"),
    path("<int:pk>/mailboxes/<int:mailbox_pk>/reset/", views.reset_password, name="reset_password"),
    path("<int:pk>/access/", views.set_access, name="access"),
]
