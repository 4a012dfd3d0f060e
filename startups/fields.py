"""The web-address field of models and forms, held to startups.rules.url_problem alone."""

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.db import models

from .rules import HttpURLValidator


class HttpURLFormField(forms.CharField):
    """A URL input whose only check is the rule, so that its messages are the API's and the
    import's (Django's URLField would answer "Enter a valid URL." and let ftp:// in).

    A URL typed without a scheme ("example.com/story") is read as `assume_scheme`, as the
    admin's URL inputs always have been; anything else is checked as typed.
    """

    widget = forms.URLInput

    def __init__(self, *, assume_scheme: str = "https", **kwargs: Any) -> None:
        self.assume_scheme = assume_scheme
        super().__init__(**kwargs)
        # The rule bounds the length and refuses NUL, with its own messages.
        self.validators = [HttpURLValidator(self.max_length)]

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if value and not _has_scheme(value):
            value = f"{self.assume_scheme}://{value}"
        return value


def _has_scheme(value: str) -> bool:
    try:
        return bool(urlsplit(value).scheme)
    except ValueError:  # an unclosed IPv6 bracket: the rule says what is wrong with it
        return True


class HttpURLField(models.URLField):
    """A URLField whose one validator is the rule; its form field is HttpURLFormField."""

    default_validators = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # In place of Django's MaxLengthValidator: the rule bounds the length itself.
        self.validators[:] = [HttpURLValidator(self.max_length)]

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{**kwargs, "form_class": HttpURLFormField})
