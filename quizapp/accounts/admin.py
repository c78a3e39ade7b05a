from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from quizapp.accounts.models import User
from quizapp.privacy.services import erase_account


@admin.register(User)
class FacteurUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_staff", "date_joined")
    list_filter = ("role", "is_staff", "is_active")
    fieldsets = (*UserAdmin.fieldsets, (_("Facteur"), {"fields": ("role",)}))

    # An admin's deletion is the trainee's own: answers anonymised, lab mail removed, logged.
    def delete_model(self, request, obj):
        erase_account(user=obj, requested_by=f"admin:{request.user.get_username()}")

    def delete_queryset(self, request, queryset):
        for user in queryset:
            erase_account(user=user, requested_by=f"admin:{request.user.get_username()}")
