from django.urls import path

from quizapp.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.privacy_page, name="policy"),
    path("account/", views.account_page, name="account"),
    path("account/export.json", views.export_json, name="export_json"),
    path("account/export.zip", views.export_csv, name="export_csv"),
    path("account/delete/", views.delete_account, name="delete"),
]
