"""The child's voice on the contact form: whether the child was seen or spoken to,
when, by whom and what they said in their own words, or why not."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LIMITS
from referrals.fields import DateField

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
        stray answer named at its own field, nothing typed thrown away."""
        seen = cleaned.get("child_seen")
        said = {name: (cleaned.get(name) or "").strip() for name in VOICE_TEXT}
        for name, value in said.items():
            if "\x00" in value:
                self.add_error(name, "Remove the character that cannot be saved")
        given_when_seen = [
            name
            for name in ("child_seen_on", "child_seen_by", "child_said")
            if cleaned.get(name) or said.get(name)
        ]
        if not seen:
            if given_when_seen or said["child_not_seen_reason"]:
                self.add_error(
                    "child_seen", "Select yes or no: has the child been seen or spoken to?"
                )
            return
        if seen == "yes":
            if said["child_not_seen_reason"]:
                self.add_error(
                    "child_not_seen_reason",
                    "Leave why not blank: you said the child was seen or spoken to",
                )
            if cleaned.get("child_seen_on") is None and "child_seen_on" not in self.errors:
                self.add_error("child_seen_on", "Enter the date they were seen or spoken to")
            if not said["child_seen_by"]:
                self.add_error("child_seen_by", "Enter who saw or spoke to the child")
            if not said["child_said"]:
                self.add_error(
                    "child_said",
                    "Enter what the child said, in their own words (if they said nothing, say so)",
                )
            return
        for name in given_when_seen:
            self.add_error(name, "Leave this blank: you said the child was not seen or spoken to")
        if not said["child_not_seen_reason"]:
            self.add_error("child_not_seen_reason", "Enter why the child was not seen or spoken to")
