"""A field's errors are where its widget says they are: Django 5.2 sets
``aria-describedby="<id>_error"`` on a widget with errors, and every way our pages render a field
(the shared include, the reform and task forms, the look-back's rows) puts the
messages in an element of that id, so a screen reader reads the message with the field. The
hand-drawn confirmation box names that element itself."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.loader import render_to_string


class Example(forms.Form):
    title = forms.CharField(label="标题", help_text="必填")
    level = forms.ChoiceField(label="级别", choices=[("city", "市"), ("nation", "国家")], widget=forms.RadioSelect)
    units = forms.MultipleChoiceField(label="单位", choices=[("1", "甲"), ("2", "乙")], widget=forms.CheckboxSelectMultiple)


def _references(html: str) -> list[str]:
    return [ref for refs in re.findall(r'aria-describedby="([^"]*)"', html) for ref in refs.split()]


@pytest.mark.parametrize("inline", [False, True])
def test_every_reference_of_an_invalid_field_names_an_element_holding_its_message(inline):
    form = Example(data={})
    assert not form.is_valid()
    for field in form:
        html = render_to_string("includes/form_field.html", {"field": field, "inline": inline})
        references = _references(html)
        assert f"{field.auto_id}_error" in references, (field.name, html)
        for ref in references:
            assert re.search(rf'id="{re.escape(ref)}"', html), (field.name, ref, html)
        assert str(field.errors[0]) in html


def test_a_checkbox_list_side_by_side_only_when_asked_and_radio_buttons_always():
    form = Example(data={})
    stacked = render_to_string("includes/form_field.html", {"field": form["units"]})
    inline = render_to_string("includes/form_field.html", {"field": form["units"], "inline": True})
    radio = render_to_string("includes/form_field.html", {"field": form["level"]})
    assert "form-check-inline" not in stacked and inline.count("form-check-inline") == 2 and radio.count("form-check-inline") == 2


def test_a_valid_field_names_no_error():
    form = Example(data={"title": "x", "level": "city", "units": ["1"]})
    assert form.is_valid()
    html = render_to_string("includes/form_field.html", {"field": form["title"]})
    assert _references(html) == ["id_title_helptext"] and 'id="id_title_error"' not in html


class Confirm(forms.Form):
    confirm = forms.BooleanField(label="我已核实")


def test_the_confirmation_box_names_its_message_too():
    form = Confirm(data={})
    assert not form.is_valid()
    html = render_to_string("supervision/decision_confirm.html", {"field": form["confirm"]})
    assert _references(html) == ["id_confirm_error"] and 'id="id_confirm_error"' in html and 'aria-invalid="true"' in html
    assert str(form["confirm"].errors[0]) in html
