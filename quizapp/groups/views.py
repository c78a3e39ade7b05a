from django.http import Http404


def join(request, code=""):
    raise Http404


def group_list(request):
    raise Http404


def dashboard(request, pk):
    raise Http404
