from django.contrib import admin

from quizapp.groups.models import Group, GroupAction, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("trainee",)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "join_code", "joining_open", "assessment_date", "created_by")
    search_fields = ("name", "join_code")
    filter_horizontal = ("trainers",)
    inlines = [MembershipInline]


@admin.register(GroupAction)
class GroupActionAdmin(admin.ModelAdmin):
    list_display = ("at", "group", "actor", "kind", "target_name")
    list_filter = ("kind",)
    readonly_fields = ("group", "actor", "kind", "target", "target_name", "at")
