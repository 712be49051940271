"""`_()` in templates that formats only when given variables.

Jinja's "newstyle" gettext, which Flask-Babel installs, applies `%` to every translated string, so a label, an
error or a flash message holding a percent sign ("Tỷ lệ phải từ 0 đến 100 (%)") raised ValueError and answered 500.
Here the string is formatted only when the call names variables (`_('Ngày %(day)s', day=d)`), and the variables are
escaped as before (Markup's `%`); a string without variables is returned as text and escaped on output.
"""

from flask import Flask
from flask_babel import get_translations
from markupsafe import Markup, escape


def _gettext(string, **variables):
    text = get_translations().ugettext(string)
    return Markup(escape(text)) % variables if variables else text


def _ngettext(singular, plural, num, **variables):
    text = get_translations().ungettext(singular, plural, num)
    return Markup(escape(text)) % {"num": num, **variables}


def install(app: Flask) -> None:
    """Replace the template callables Flask-Babel installed (call after `babel.init_app`)."""
    app.jinja_env.install_gettext_callables(_gettext, _ngettext, newstyle=False)
