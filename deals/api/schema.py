"""The OpenAPI description: every answer an endpoint can give, CSV as text, and the error
bodies (`{"field": ["message"]}` for 400, `{"detail": "..."}` otherwise)."""

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from rest_framework.permissions import SAFE_METHODS

CSV = "text/csv"
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "A list of messages per field; `non_field_errors` for the whole record.",
    "additionalProperties": {},
}
ERRORS = {
    "400": ("Bad input: a message per field.", FIELD_ERRORS),
    "401": ("No credentials, or a token that is wrong, expired or revoked.", DETAIL),
    "403": ("Credentials without the permission this needs.", DETAIL),
    "404": ("No such record.", DETAIL),
    "409": ("Refused by the stored data (a delete that would orphan records).", DETAIL),
    "413": ("The body is larger than the API accepts (API_MAX_BODY_BYTES).", DETAIL),
    "429": ("Too many requests: wait the seconds in Retry-After.", DETAIL),
}


class TokenScheme(KnoxTokenScheme):
    """Our knox authentication (deals.api.access) is documented as knox's: `Token <key>`."""

    target_class = "deals.api.access.TokenAuthentication"


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        open_reads = not getattr(settings, "API_REQUIRE_LOGIN_FOR_READS", False)
        if self.method in SAFE_METHODS and open_reads and {} not in auths:
            auths.append({})
        return auths

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if CSV in response.get("content", {}):
            response["content"][CSV] = {"schema": {"type": "string", "description": "CSV, UTF-8"}}
        return response

    def _error_codes(self) -> list[str]:
        # Any request may be refused for its input (a bad `?format=` too), its credentials
        # or its rate; records and subjects named in the path or query may not exist.
        codes = ["400", "401", "403", "429"]
        if "{" in self.path or (self.method == "GET" and self._takes_a_subject()):
            codes.append("404")
        if self.method == "DELETE":
            codes.append("409")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("413")
        return sorted(codes)

    def _takes_a_subject(self) -> bool:
        """A view without a queryset (a statistic about one investor or startup, named in
        the query) answers 404 for an unknown slug."""
        return not hasattr(self.view, "get_queryset")

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                description, schema = ERRORS[code]
                body = self._get_response_for_code(dict(schema), code, direction=direction)
                responses[code] = {**body, "description": description}
        return responses


def add_links(result: dict, generator, request, public) -> dict:
    """OpenAPI links from each create to the operations on the record it made: the `id` (or
    `slug`) of the 201 body names it in the path of retrieve, update and delete. Clients and
    schemathesis' stateful tests follow them. A postprocessing hook of drf-spectacular."""
    paths = result.get("paths", {})
    for path, operations in paths.items():
        create = operations.get("post", {}).get("responses", {}).get("201")
        if create is None:
            continue
        for record_path, record_operations in paths.items():
            key = _record_key(path, record_path)
            if key is None:
                continue
            create["links"] = {
                _link_name(operation["operationId"]): {
                    "operationId": operation["operationId"],
                    "parameters": {key: f"$response.body#/{key}"},
                    "description": f"The created record, by its `{key}`.",
                }
                for method, operation in record_operations.items()
                if method in {"get", "put", "patch", "delete"}
            }
    return result


def _record_key(list_path: str, record_path: str) -> str | None:
    """`slug` for `/startups/` and `/startups/{slug}/`; None for any other pair of paths."""
    rest = record_path.removeprefix(list_path)
    if rest == record_path or not (rest.startswith("{") and rest.endswith("}/")):
        return None
    key = rest[1:-2]
    return key if "/" not in key else None


def _link_name(operation_id: str) -> str:
    """`rounds_partial_update` -> `RoundsPartialUpdate`."""
    return "".join(part.capitalize() for part in operation_id.split("_"))


def allow_empty_query_values(result: dict, generator, request, public) -> dict:
    """An optional query parameter given empty (`?currency=`, as an HTML form sends it) is
    as if it were not given: the contract says so with `allowEmptyValue`."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result
