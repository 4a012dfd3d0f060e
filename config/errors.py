"""handler500: an unexpected error answers in the API's format under /api/ (JSON, no traceback
or exception text: the log has them), and Django's plain 500 page elsewhere."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from .request_limits import is_api

SERVER_ERROR_DETAIL = "Server error: the request could not be answered. It has been logged."


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": SERVER_ERROR_DETAIL}, status=500)
    return defaults.server_error(request)
