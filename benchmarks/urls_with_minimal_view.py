"""The project's URLs plus a minimal view, the yardstick of the benchmarks."""

from django.http import HttpResponse
from django.urls import path

from quizapp.urls import urlpatterns as project_urlpatterns


def minimal(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/minimal/", minimal), *project_urlpatterns]
