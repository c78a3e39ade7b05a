from django.urls import path

from quizapp.practice import views

app_name = "practice"
urlpatterns = [
    path("", views.practice_home, name="home"),
    path("reviews/", views.reviews, name="reviews"),
    path("<int:pk>/", views.session_page, name="session"),
    path("<int:pk>/answer/<int:position>/", views.answer, name="answer"),
]
