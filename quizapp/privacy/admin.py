from django.contrib import admin

from quizapp.privacy.models import Erasure


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ("user_pk", "requested_by", "erased_at")
    readonly_fields = ("user_pk", "requested_by", "erased_at", "counts")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
