"""Every message a form can show is Vietnamese, WTForms' built-in ones included."""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
from importlib import resources

import pytest
import wtforms
from form_data import csrf_token, individual_fields, nominee_url, open_dossier

import forms_app
from forms_app.form_messages import GENERAL, MESSAGES, TRANSLATIONS, VietnameseMeta

NOT_A_CHOICE = "Lựa chọn không hợp lệ; hãy chọn một mục trong danh sách."


def errors(response) -> list[str]:
    found = re.findall(r'<p class="error">(.*?)</p>', response.get_data(as_text=True))
    return [html.unescape(text) for text in found]


def all_form_classes() -> list[type]:
    for module in pkgutil.walk_packages(forms_app.__path__, "forms_app."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, pending = [], [wtforms.Form]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("forms_app."):
                found.append(sub)
    return found


def test_unknown_choices_answer_in_vietnamese(client):
    url = nominee_url(open_dossier(client))
    fields = {
        **individual_fields(category="zzz", gender="zzz", award="zzz"),
        "csrf_token": csrf_token(client, url),
    }

    response = client.post(url, data=fields)

    assert response.status_code == 422
    assert errors(response) == [
        NOT_A_CHOICE,
        NOT_A_CHOICE,
        NOT_A_CHOICE,
        "Hãy chọn ảnh chân dung (kế hoạch yêu cầu kèm ảnh).",
    ]
    assert "Not a valid choice" not in response.get_data(as_text=True)


def test_every_form_of_the_app_speaks_vietnamese():
    forms = all_form_classes()
    names = {f"{f.__module__}.{f.__name__}" for f in forms}
    assert {
        "forms_app.nominations.forms.IndividualForm",
        "forms_app.nominations.forms.CollectiveForm",
        "forms_app.nominations.forms.InitiativeRow",
        "forms_app.nominations.forms.AwardRow",
        "forms_app.nominations.views.ConfirmForm",
        "forms_app.office.views.LoginForm",
        "forms_app.office.views.ActionForm",
        "forms_app.dossiers.forms.UnitForm",
        "forms_app.dossiers.views.ActionForm",
    } <= names
    assert [f.__name__ for f in forms if not issubclass(f.Meta, VietnameseMeta)] == []


def test_every_wtforms_message_has_vietnamese_text():
    catalogue = resources.files(wtforms).joinpath("locale/wtforms.pot").read_text("utf-8")
    msgids = re.findall(r'^msgid(?:_plural)? "(.+)"$', catalogue, re.M)

    assert len(msgids) > 40
    assert [m for m in msgids if m.replace('\\"', '"') not in MESSAGES] == []


def test_builtin_validators_speak_vietnamese(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form, IntegerField, StringField
    from wtforms.validators import URL, DataRequired, Length, NumberRange

    class Sample(Form):
        Meta = VietnameseMeta
        name = StringField("Tên", [DataRequired(), Length(min=3, max=5)])
        count = IntegerField("Số", [NumberRange(min=1, max=9)])
        site = StringField("Trang", [URL()])

    form = Sample(MultiDict({"name": "ab", "count": "mười", "site": "khong-phai-url"}))

    assert form.validate() is False
    assert form.errors == {
        "name": ["Cần từ 3 đến 5 ký tự."],
        "count": ["Cần một số nguyên.", "Số phải từ 1 đến 9."],
        "site": ["Địa chỉ trang web chưa đúng dạng."],
    }


@pytest.mark.parametrize("message", ["A message of a future WTForms."])
def test_unknown_message_is_never_english(message):
    assert TRANSLATIONS.gettext(message) == GENERAL
    assert TRANSLATIONS.gettext("Draft") == "Draft"  # a default label, not a message
