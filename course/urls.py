from django.urls import path

from course import views

app_name = "course"
urlpatterns = [
    path("", views.course_index, name="index"),
    path("glossary/", views.glossary, name="glossary"),
    path("<slug:slug>/", views.section_detail, name="section"),
]
