"""The project's URLs plus a minimal view, the yardstick of the benchmarks."""

from django.http import HttpResponse
from django.urls import path

from quizapp.urls import handler500  # noqa: F401  (the 503 page when the database is away)
from quizapp.urls import urlpatterns as project_urlpatterns


def minimal(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/minimal/", minimal), *project_urlpatterns]
