"""The pages' forms: every one carries a CSRF token (Flask-WTF), checked on submit."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, NumberRange


class UploadForm(FlaskForm):
    """在线校验: the files are read from the request (a zip, CSVs or a workbook)."""


class SignInForm(FlaskForm):
    token = PasswordField(validators=[DataRequired()])


class FileForm(FlaskForm):
    agency_id = StringField(validators=[DataRequired()])  # checked against the token's grant
    year = IntegerField(validators=[DataRequired(), NumberRange(min=2008, max=2100)])


class SignOutForm(FlaskForm):
    pass
