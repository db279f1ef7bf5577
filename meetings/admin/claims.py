"""Claims in the admin: the history of who said they are whom, and the maintainers' answers."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from meetings.models import Claim


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["user", "person", "state", "by_email", "created", "decided", "decided_by"]
    list_filter = ["state", "by_email"]
    search_fields = ["user__username", "user__email", "person__handle", "person__email"]
    list_select_related = ["user", "person", "decided_by"]
    # The rows are history: they change only by an answer, never by hand.
    readonly_fields = ["user", "person", "state", "by_email", "created", "decided", "decided_by"]
    actions = ["approve", "refuse"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Approve the selected pending claims", permissions=["change"])
    def approve(self, request, queryset):
        self._answer(request, queryset, Claim.approve, "approved")

    @admin.action(description="Refuse the selected pending claims", permissions=["change"])
    def refuse(self, request, queryset):
        self._answer(request, queryset, Claim.refuse, "refused")

    def _answer(self, request, queryset, decide, done):
        answered = 0
        for claim in queryset.pending().select_related("user", "person"):
            try:
                decide(claim, request.user)
            except ValidationError as error:
                self.message_user(request, f"{claim}: {' '.join(error.messages)}", messages.ERROR)
            else:
                answered += 1
        self.message_user(request, f"{answered} claim{'s' * (answered != 1)} {done}.")
