from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quizapp.lab.models import LabMailbox, LabNetwork, LabRun, LabServer, PortCheck


@admin.register(LabNetwork)
class LabNetworkAdmin(admin.ModelAdmin):
    """Only administrators open a network to trainers' labs."""

    list_display = ("network", "description", "created_at")
    search_fields = ("network", "description")


@admin.register(LabServer)
class LabServerAdmin(admin.ModelAdmin):
    list_display = ("name", "host", "domain", "embedded", "active", "created_by")
    list_filter = ("active", "embedded")
    search_fields = ("name", "host", "domain")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(LabMailbox)
class LabMailboxAdmin(admin.ModelAdmin):
    """Mailboxes on labs that are not embedded are entered here by hand."""

    list_display = ("user", "lab", "name", "created_at")
    list_filter = ("lab",)
    search_fields = ("user__username", "name")
    raw_id_fields = ("user",)


class PortCheckInline(admin.TabularInline):
    model = PortCheck
    extra = 0
    can_delete = False
    fields = ("port", "service", "done", "score", "dialogue")
    readonly_fields = fields

    @admin.display(description=_("transcript"))
    def dialogue(self, obj):
        return format_html("<pre>{}</pre>", obj.transcript_text())

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LabRun)
class LabRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "lab", "kind", "status", "grade")
    list_filter = ("kind", "status", "lab")
    search_fields = ("user__username",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in LabRun._meta.fields]
    inlines = [PortCheckInline]

    def has_add_permission(self, request):
        return False
