from django.urls import path

from quizapp.itemanalysis import views

app_name = "itemanalysis"
urlpatterns = [
    path("", views.item_analysis, name="page"),
]
