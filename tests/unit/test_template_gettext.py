"""A label or message with a percent sign renders as it is; variables are still filled in and escaped."""

from flask import render_template_string


def test_percent_sign_in_a_translated_value_is_text_not_a_500(app):
    with app.test_request_context("/"):
        out = render_template_string("{{ _(e) }}|{{ _('Tỷ lệ (%)') }}", e="Tỷ lệ phải từ 0 đến 100 (%)")
    assert out == "Tỷ lệ phải từ 0 đến 100 (%)|Tỷ lệ (%)"


def test_variables_are_filled_in_and_escaped(app):
    with app.test_request_context("/"):
        out = render_template_string("{{ _('Đến hết %(day)s', day=d) }}|{{ _(m) }}", d="<b>01/07</b>", m="<i>x</i>")
    assert out == "Đến hết &lt;b&gt;01/07&lt;/b&gt;|&lt;i&gt;x&lt;/i&gt;"


def test_english_mode_translates_with_and_without_variables(app):
    with app.test_request_context("/?lang=en"):
        from flask import session

        session["lang"] = "en"
        out = render_template_string("{{ _('Đăng xuất') }}|{{ _('Đến hết %(day)s', day='01/07/2026') }}")
    assert out == "Log out|Until 01/07/2026"
