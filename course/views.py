from django.shortcuts import get_object_or_404, render

from course.models import Course, GlossaryTerm, Section
from course.reading import mark_read, read_slugs
from course.rendering import render_markdown
from quizapp.adaptive.services import progress_for
from quizapp.practice.services import existing_learner


def _navigation() -> list[Section]:
    return list(Section.objects.only("slug", "order", "title_fr", "title_en"))


def home(request):
    sections = _navigation()
    read = read_slugs(request)
    next_section = next((s for s in sections if s.slug not in read), None)
    context = {
        "course": Course.objects.first(),
        "sections": sections,
        "read": read,
        "next_section": next_section,
        "progress": progress_for(existing_learner(request)),
    }
    return render(request, "course/home.html", context)


def course_index(request):
    context = {
        "course": Course.objects.prefetch_related("objectives").first(),
        "sections": Section.objects.defer("body_fr", "body_en").prefetch_related("topics"),
        "read": read_slugs(request),
        "progress": progress_for(existing_learner(request)),
    }
    return render(request, "course/index.html", context)


def section_detail(request, slug):
    section = get_object_or_404(Section.objects.prefetch_related("topics"), slug=slug)
    sections = _navigation()
    position = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    context = {
        "section": section,
        "body_html": render_markdown(section.body),
        "previous": sections[position - 1] if position > 0 else None,
        "next": sections[position + 1] if position + 1 < len(sections) else None,
        "position": position + 1,
        "count": len(sections),
    }
    response = render(request, "course/section.html", context)
    mark_read(request, response, section.slug)
    return response


def glossary(request):
    return render(request, "course/glossary.html", {"terms": GlossaryTerm.objects.all()})
