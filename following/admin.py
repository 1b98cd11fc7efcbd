from django.contrib import admin

from following.models import EmailFollow


@admin.register(EmailFollow)
class EmailFollowAdmin(admin.ModelAdmin):
    """For a request to erase an address (or to see why one gets emails): superusers only,
    since an address may follow plans of several councils. Deleting the row is the same as
    the person unsubscribing."""

    list_display = ["email", "plan", "ward", "requested_at", "confirmed_at", "last_sent_at"]
    search_fields = ["email"]
    fields = list_display
    readonly_fields = list_display

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
