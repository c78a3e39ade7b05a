from django.contrib import admin

from course.models import Course, GlossaryTerm, Objective, Section, Topic


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("code", "title_fr")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_fr", "name_en", "order")
    prepopulated_fields = {"slug": ("name_fr",)}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("order", "title_fr", "slug", "figure", "updated_at")
    list_display_links = ("title_fr",)
    filter_horizontal = ("topics",)
    prepopulated_fields = {"slug": ("title_fr",)}


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ("order", "slug", "text_fr")
    filter_horizontal = ("topics",)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ("term_fr", "term_en", "slug", "source")
    search_fields = ("term_fr", "term_en", "definition_fr")
