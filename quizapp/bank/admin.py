from django.contrib import admin

from quizapp.bank.models import Misconception, Question


@admin.register(Misconception)
class MisconceptionAdmin(admin.ModelAdmin):
    list_display = ("slug", "label_fr", "label_en", "draft")
    list_filter = ("draft",)
    search_fields = ("slug", "label_fr", "label_en")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("key", "type", "status", "main_topic", "difficulty", "source")
    list_filter = ("status", "type", "main_topic")
    search_fields = ("key", "text_fr", "text_en")
    filter_horizontal = ("topics",)
    list_select_related = ("main_topic",)
