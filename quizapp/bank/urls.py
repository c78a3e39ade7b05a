from django.urls import path

from quizapp.bank import views

app_name = "bank"
urlpatterns = [
    path("import-export/", views.import_export, name="import_export"),
    path("import/<int:pk>/", views.preview, name="preview"),
    path("export/<str:format>/<str:lang>/", views.export, name="export"),
]
