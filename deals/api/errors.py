"""Errors in one format: `{"field": ["message", ...]}` for bad input (400), `{"detail": "..."}`
otherwise. Refusals from the services and the database become 400 or 409, never 500."""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

T = TypeVar("T")


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the stored data."
    default_code = "conflict"


def blocked_by(error: ProtectedError | RestrictedError) -> str:
    """'3 funding rounds, 1 participation refer to it': what a delete would orphan."""
    counts: dict[str, int] = {}
    for record in (
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    ):
        meta = record._meta
        name = str(meta.verbose_name)
        counts[name] = counts.get(name, 0) + 1
    parts = [f"{n} {name}{'' if n == 1 else 's'}" for name, n in sorted(counts.items())]
    return f"Cannot delete: {', '.join(parts)} refer to it. Delete or move those first."


def api_errors(error: DjangoValidationError, names: Mapping[str, str]) -> dict[str, Any]:
    """A model's validation errors under the API's field names (`startup_id` -> `startup`);
    a dotted name is a field of a nested object (`uscc` -> `identifiers.uscc`:
    `{"identifiers": {"uscc": [...]}}`)."""
    messages = (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )
    found: dict[str, Any] = {}
    for field, texts in messages.items():
        if field == NON_FIELD_ERRORS:
            key = api_settings.NON_FIELD_ERRORS_KEY
        else:
            key = names.get(field, field)
        *parents, name = key.split(".")
        place = found
        for parent in parents:
            place = place.setdefault(parent, {})
        place.setdefault(name, []).extend(str(text) for text in texts)
    return found


def call_service(
    service: Callable[..., T], *args: Any, names: Mapping[str, str] | None = None, **kwargs: Any
) -> T:
    """Run a service; its refusals become API errors under the API's field names."""
    try:
        return service(*args, **kwargs)
    except DjangoValidationError as error:
        raise ValidationError(api_errors(error, names or {})) from error
    except (ProtectedError, RestrictedError) as error:
        raise Conflict(blocked_by(error)) from error
    except IntegrityError as error:
        raise Conflict(f"The database refused the change: {error}") from error


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus the refusals that a service or the database may still raise."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(api_errors(exc, {}))
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        exc = Conflict(blocked_by(exc))
    elif isinstance(exc, IntegrityError):
        exc = Conflict("The database refused the change.")
    elif isinstance(exc, ValidationError) and not isinstance(exc.detail, dict):
        # Bad input is always {"field": [...]}; a bare list belongs to the whole request.
        exc = ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.detail})
    return drf_exception_handler(exc, context)
