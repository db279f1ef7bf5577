"""The admin of who is who: people, their aliases, and the names no one is yet.

Every save path here resolves again the names it may change, in bulk, so
that the owners and speakers of past meetings follow at once.
"""

from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from meetings.models import Alias, Meeting, Merge, Owner, Person, Speaker, Team
from meetings.names import name_key
from meetings.people import learn, merge, resolve, unresolved_names
from meetings.people.lookup import named


class AliasFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The database would refuse the second; say so before it does.
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("text"):
                continue
            where = (name_key(data["text"]), data.get("team"))
            if where in seen:
                raise ValidationError(f"“{data['text']}” is written twice for the same teams.")
            seen.add(where)


class AliasInline(admin.TabularInline):
    model = Alias
    formset = AliasFormSet
    extra = 0
    fields = ["text", "team"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["handle", "name", "user"]
    search_fields = ["handle", "name", "key", "aliases__text", "participations__name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    # How often their digest comes is the person's own choice, made on their page.
    readonly_fields = ["digest"]
    inlines = [AliasInline]
    actions = ["merge_people"]

    class Media:
        # The unresolved names' page (the Content-Security-Policy allows no inline style).
        css = {"all": ["tracker-admin.css"]}

    def get_urls(self):
        unresolved = path(
            "unresolved/",
            self.admin_site.admin_view(self.unresolved_view),
            name="meetings_person_unresolved",
        )
        merging = path(
            "merge/", self.admin_site.admin_view(self.merge_view), name="meetings_person_merge"
        )
        return [unresolved, merging, *super().get_urls()]

    def save_model(self, request, obj, form, change):
        # Named by a maintainer: learning from the minutes leaves the name alone.
        if {"handle", "name"} & set(form.changed_data):
            obj.manual = True
        super().save_model(request, obj, form, change)

    @admin.action(description="Merge the selected people into one", permissions=["change"])
    def merge_people(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(f"{reverse('admin:meetings_person_merge')}?ids={ids}")

    def merge_view(self, request):
        """Preview what a merge moves, then merge: everything of the others becomes one's."""
        if not self.has_change_permission(request) or not self.has_delete_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        ids = [int(pk) for pk in data.get("ids", "").split(",") if pk.strip().isdigit()]
        people = list(Person.objects.filter(pk__in=ids).select_related("user"))
        if len(people) < 2:
            self.message_user(request, "Choose two people or more to merge.", messages.WARNING)
            return redirect("admin:meetings_person_changelist")
        target_id = data.get("target", "")
        target = next((p for p in people if str(p.pk) == target_id), None)
        if target is None:
            target = max(people, key=lambda p: (bool(p.user_id), p.participations.count()))
        if request.method == "POST" and data.get("confirm"):
            accounts = [p for p in people if p.user_id]
            if len(accounts) > 1:
                self.message_user(
                    request,
                    "Two of them are linked to accounts: unlink one first, an account "
                    "is one person.",
                    messages.ERROR,
                )
            else:
                with transaction.atomic():
                    records = [
                        merge(p, target, user=request.user, reason="merged by a maintainer")
                        for p in people
                        if p.pk != target.pk
                    ]
                    changed = resolve(
                        meetings=Meeting.objects.filter(participations__person=target)
                    )
                for record in records:
                    self.log_change(request, target, f"Merged {record.source_handle} into it.")
                names = ", ".join(r.source_handle for r in records)
                self.message_user(
                    request,
                    f"{names} merged into {target.handle}: {changed} owner(s) and speaker(s) "
                    "resolved again. Undo it from Merges.",
                    messages.SUCCESS,
                )
                return redirect("admin:meetings_person_change", target.pk)
        rows = [
            {
                "person": person,
                "participations": person.participations.count(),
                "owners": Owner.objects.filter(person=person).count(),
                "speakers": Speaker.objects.filter(person=person).count(),
                "aliases": list(person.aliases.select_related("team")),
                "spellings": sorted(set(person.participations.values_list("name", flat=True))),
            }
            for person in people
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Merge people",
            "rows": rows,
            "target": target,
            "ids": ",".join(str(p.pk) for p in people),
        }
        return TemplateResponse(request, "admin/meetings/person/merge.html", context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        person = form.instance
        # The names the person was and is written as: handle and aliases, before and after.
        keys = {name_key(form.initial.get("handle", "")), person.key}
        for formset in formsets:
            keys |= {name_key(f.initial.get("text", "")) for f in formset.initial_forms}
        keys |= {alias.key for alias in person.aliases.all()}
        keys.discard("")
        changed = resolve(meetings=Meeting.objects.filter(participations__person=person))
        changed += resolve(keys=keys)
        _report(self, request, changed)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        # What pointed at them is unresolved now; another rule may fit instead.
        _report(self, request, resolve(unresolved=True))

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        _report(self, request, resolve(unresolved=True))

    def unresolved_view(self, request):
        """The names no rule resolved, most frequent first, each with a form to map it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        team = Team.objects.filter(slug=request.GET.get("team", "")).first()
        failed = None
        if request.method == "POST":
            if not request.user.has_perm("meetings.add_alias"):
                raise PermissionDenied
            form = MapNameForm(request.POST)
            if form.is_valid():
                with transaction.atomic():
                    alias = form.save()
                    changed = resolve(keys=[alias.key])
                self.log_addition(request, alias, [{"added": {}}])
                where = f"in {alias.team}" if alias.team else "in every team"
                self.message_user(
                    request,
                    f"“{alias.text}” is {alias.person} {where} now: "
                    f"{changed} owner(s) and speaker(s) resolved.",
                    messages.SUCCESS,
                )
                return redirect(request.get_full_path())
            failed = form
            if form.merge_offer:
                holder, person = form.merge_offer
                ids = f"{holder.pk},{person.pk}"
                offer = f"{reverse('admin:meetings_person_merge')}?ids={ids}&target={person.pk}"
                failed.merge_url = offer

        names = unresolved_names(team)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Unresolved names",
            "media": self.media + forms.Media(css={"all": ["admin/css/forms.css"]}),
            "rows": [{"name": n, "form": _map_form(n, i, failed)} for i, n in enumerate(names)],
            "team": team,
            "teams": Team.objects.all(),
            "people": Person.objects.values_list("handle", "name"),
            "failed": failed,
            "can_map": request.user.has_perm("meetings.add_alias"),
            "total": sum(entry.count for entry in names),
        }
        return TemplateResponse(request, "admin/meetings/person/unresolved.html", context)


@admin.register(Merge)
class MergeAdmin(admin.ModelAdmin):
    """People merged, by learning or by a maintainer; undoing one makes the record again."""

    list_display = ["source_handle", "target", "reason", "user", "created", "undone"]
    list_filter = ["reason", ("undone", admin.EmptyFieldListFilter)]
    search_fields = ["source_handle", "source_name", "target__handle"]
    list_select_related = ["target", "user"]
    actions = ["undo"]
    readonly_fields = [f.name for f in Merge._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Undo the selected merges", permissions=["change"])
    def undo(self, request, queryset):
        done = []
        with transaction.atomic():
            for record in queryset.filter(undone=None).select_related("target"):
                done.append(record.undo(request.user))
            if done:
                learn()
        self.message_user(
            request,
            f"{len(done)} merge(s) undone: {', '.join(p.handle for p in done) or 'none'} "
            "made again, kept apart from now on.",
            messages.SUCCESS,
        )


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ["text", "person", "team", "created"]
    list_filter = ["team"]
    search_fields = ["text", "key", "person__handle", "person__name"]
    list_select_related = ["person", "team"]
    autocomplete_fields = ["person"]
    fields = ["text", "person", "team"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        keys = {name_key(form.initial.get("text", "")), obj.key} - {""}
        _report(self, request, resolve(keys=keys))

    def delete_model(self, request, obj):
        key = obj.key
        super().delete_model(request, obj)
        _report(self, request, resolve(keys=[key]))

    def delete_queryset(self, request, queryset):
        keys = set(queryset.values_list("key", flat=True))
        super().delete_queryset(request, queryset)
        _report(self, request, resolve(keys=keys))


class MapNameForm(forms.ModelForm):
    """Map a name as written to a person, everywhere or in one team: an alias."""

    person = forms.CharField(
        label="Person",
        max_length=Person._meta.get_field("handle").max_length,
        help_text="Their handle.",
        widget=forms.TextInput(),
    )

    class Meta:
        model = Alias
        fields = ["text", "person", "team"]
        widgets = {"text": forms.HiddenInput}
        labels = {"team": "In"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.attrs["list"] = "people"
        self.fields["team"].empty_label = "every team"

    merge_offer = None
    override = forms.BooleanField(required=False, label="Change those too")
    # How many owners and speakers written so are someone else now, by person.
    overridden = None

    def clean_person(self):
        handle = self.cleaned_data["person"]
        person = named(handle).person
        if person is None:
            raise ValidationError(f"No one is written “{handle}”.")
        return person

    def clean(self):
        # A record holds this name as its handle: the maintainer means one human, so
        # offer to merge that record into the person rather than refuse.
        text, person = self.cleaned_data.get("text", ""), self.cleaned_data.get("person")
        holder = Person.objects.filter(key=name_key(text)).first()
        if person is not None and holder is not None and holder.pk != person.pk:
            self.merge_offer = (holder, person)
            raise ValidationError(
                f"“{text}” is the handle of the person record {holder}. If it is "
                f"{person} too, merge the two."
            )
        if person is not None and not self.cleaned_data.get("override"):
            # A mapping must not quietly take items from the people they belong to.
            others = self.others_written_so(name_key(text), person, self.cleaned_data.get("team"))
            if others:
                self.overridden = others
                named = ", ".join(f"{p} ({n})" for p, n in others)
                raise ValidationError(
                    f"“{text}” already names someone else in the minutes: {named}. Map it in "
                    "one team, or tick “Change those too”."
                )
        return super().clean()

    @staticmethod
    def others_written_so(key, person, team):
        """[(person, how many owners and speakers)] written ``key`` that are someone else."""
        counts = Counter()
        for model, meeting in ((Owner, "item__meeting"), (Speaker, "statement__topic__meeting")):
            rows = model.objects.filter(key=key, person__isnull=False).exclude(person=person)
            if team is not None:
                rows = rows.filter(**{f"{meeting}__teams": team})
            counts.update(rows.values_list("person", flat=True))
        people = Person.objects.in_bulk(counts)
        return [(people[pk], n) for pk, n in counts.most_common()]


def _map_form(entry, number, failed):
    """The form that maps one unresolved name, from its suggestion, or as posted if it failed."""
    if failed is not None and name_key(failed.data.get("text", "")) == entry.key:
        form = failed
    else:
        suggested = entry.suggestion
        teams = next((s.teams for s in entry.suggestions if s.person == suggested), [])
        initial = {
            "text": entry.name,
            "person": suggested.handle if suggested else "",
            # The evidence comes from one team: the alias holds there, until told otherwise.
            "team": teams[0].pk if len(teams) == 1 else None,
        }
        form = MapNameForm(initial=initial, auto_id=f"id_%s_{number}")
    # The teams the name is written in, without a query per row.
    form.fields["team"].choices = [("", "every team")] + [(t.pk, t) for t in entry.teams]
    return form


def _report(model_admin, request, changed):
    if changed:
        model_admin.message_user(
            request, f"{changed} owner(s) and speaker(s) resolved again.", messages.INFO
        )
