"""The child's voice on the contact form: whether the child was seen or spoken to,
when, by whom and what they said in their own words, or why not."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LIMITS
from referrals.fields import DateField
from referrals.models import ContactSubject
from referrals.services import SubjectInput

VOICE_TEXT = ("child_seen_by", "child_said", "child_not_seen_reason")


class ChildVoiceMixin(forms.Form):
    # The child's voice: asked of every born child, answered or left blank ("not
    # said"), and checked for sense (SubjectInput.child_voice_problem is the rule).
    child_seen = forms.ChoiceField(
        label="Has the child been seen or spoken to about this concern?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        required=False,
        help_text="By you, or by whoever raised the concern. Not for an unborn child.",
    )
    child_seen_on = DateField(
        label="Date they were seen or spoken to",
        past=True,
        required=False,
        help_text="If yes. For example, 27 3 2026",
    )
    child_seen_by = forms.CharField(
        label="Who saw or spoke to them",
        required=False,
        max_length=LIMITS.short_text,
        help_text="If yes: their name and role, for example Sam Jones, class teacher",
    )
    child_said = forms.CharField(
        label="What did the child say?",
        required=False,
        max_length=LIMITS.narrative,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="If yes: in the child's own words, as exactly as you can.",
    )
    child_not_seen_reason = forms.CharField(
        label="Why was the child not seen or spoken to?",
        required=False,
        max_length=LIMITS.reason,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="If no: for example, too young, non-verbal, or it was not safe to ask.",
    )

    def _clean_voice(self, cleaned: dict) -> None:
        """What the child said goes with "yes", why not with "no": each missing or
        stray answer named at its own field by SubjectInput.child_voice_problems (the
        one rule, shared with the API and intake), nothing typed thrown away. A field
        already wrong on its own (too long, not a date) keeps just that error."""
        said = {name: (cleaned.get(name) or "").strip() for name in VOICE_TEXT}
        for name, value in said.items():
            if "\x00" in value and name not in self.errors:
                self.add_error(name, "Remove the character that cannot be saved")
        voice = SubjectInput(
            role=ContactSubject.Role.CHILD,
            first_name="",
            last_name="",
            date_of_birth=cleaned.get("date_of_birth"),
            child_seen={"yes": True, "no": False}.get(cleaned.get("child_seen") or ""),
            child_seen_on=cleaned.get("child_seen_on"),
            **said,
        )
        for name, message in voice.child_voice_problems().items():
            if name not in self.errors:
                self.add_error(name, message)
