"""Small helpers for rendering Django form fields as GOV.UK Frontend components."""

from django import forms, template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def widget_kind(bound_field) -> str:
    widget = bound_field.field.widget
    # Checkboxes first: Django's CheckboxSelectMultiple is a subclass of RadioSelect.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.MultiWidget):
        return "date"
    return "text"


@register.filter
def is_selected(value, bound_field) -> bool:
    """Whether ``value`` is among the field's current value(s)."""
    current = bound_field.value()
    if current is None:
        return False
    if isinstance(current, list | tuple):
        return str(value) in [str(item) for item in current]
    return str(value) == str(current)


@register.filter
def options(bound_field) -> list[tuple[str, str, bool, str]]:
    """(value, label, selected, id) for each of the field's choices, worked out once
    per field: asked of each option in turn (``is_selected``, ``auto_id``), a radio
    group of 20 took as long as the rest of its page's form, and a model choice's
    options were counted by a query of their own before being read by another."""
    current = bound_field.value()
    if current is None:
        chosen: set[str] = set()
    elif isinstance(current, list | tuple):
        chosen = {str(item) for item in current}
    else:
        chosen = {str(current)}
    first = bound_field.auto_id
    return [
        (value, label, str(value) in chosen, first if index == 0 else f"{first}_{index}")
        for index, (value, label) in enumerate(bound_field.field.choices)
    ]


# Each choice's markup, as GOV.UK Frontend's macros write it. Joined in Python, not
# looped over in the template: a 200-agency list or a page's seven census forms cost
# milliseconds per page as template loops (four lookups and escapes per option).
_CHOICE_MARKUP = {
    "select": '\n    <option value="{0}"{2}>{1}</option>',
    "radios": (
        '\n      <div class="govuk-radios__item">\n'
        '        <input class="govuk-radios__input" id="{3}" name="{4}" type="radio"'
        ' value="{0}"{2}>\n'
        '        <label class="govuk-label govuk-radios__label" for="{3}">{1}</label>\n'
        "      </div>"
    ),
    "checkboxes": (
        '\n      <div class="govuk-checkboxes__item">\n'
        '        <input class="govuk-checkboxes__input" id="{3}" name="{4}" type="checkbox"'
        ' value="{0}"{2}>\n'
        '        <label class="govuk-label govuk-checkboxes__label" for="{3}">{1}</label>\n'
        "      </div>"
    ),
}
_CHOSEN = {"select": " selected", "radios": " checked", "checkboxes": " checked"}


@register.filter
def choice_items(bound_field, kind: str) -> str:
    """The field's options, radios or checkboxes (``kind``), each marked chosen as
    its current value says."""
    chosen_attribute = _CHOSEN[kind]
    name = bound_field.html_name
    return format_html_join(
        "",
        _CHOICE_MARKUP[kind],
        (
            (value, label, chosen_attribute if selected else "", option_id, name)
            for value, label, selected, option_id in options(bound_field)
        ),
    )


@register.filter
def date_parts(bound_field) -> list[tuple[str, str, str, str]]:
    """(suffix, label, name, value) for the day, month and year boxes."""
    value = bound_field.value()
    if not isinstance(value, list | tuple):
        value = bound_field.field.widget.decompress(value)
    names = ("day", "month", "year")
    return [
        (str(index), names[index].title(), f"{bound_field.html_name}_{index}", value[index] or "")
        for index in range(3)
    ]


@register.filter
def as_list(value) -> list:
    """One item as a list, for an include that shows a list of them."""
    return [value]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def duration_hours(value) -> str:
    """A timedelta as '5h 20m' or '2 days 3h'."""
    if value is None:
        return ""
    total_minutes = int(value.total_seconds() // 60)
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours}h"
    return f"{hours}h {minutes:02d}m"


@register.simple_block_tag
def scroll_table(content: str, *id_parts) -> str:
    """A table wider than a narrow screen, in a box that scrolls sideways so the page
    never does (WCAG 1.4.10). The box is a region that takes keyboard focus, so keyboard
    users can scroll it too, named by the table's caption: give the caption's id, in
    parts when it is made in a loop (``{% scroll_table "history" subject.pk %}``)."""
    return format_html(
        '<div class="app-table-scroll" role="region" aria-labelledby="{}" tabindex="0">{}</div>',
        "-".join(str(part) for part in id_parts),
        content,
    )
