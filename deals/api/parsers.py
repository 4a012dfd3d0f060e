"""JSON bodies through orjson, no deeper than any body of this API needs.

orjson refuses what PostgreSQL could not store either (lone surrogates) and nesting past 1,024
levels; within that, a field holding a list nested a thousand deep reached the serializers,
and the error message quoting it (repr) raised RecursionError: a 500. The deepest body the API
takes is three levels (a round, its participants, one participant); anything past
MAX_JSON_DEPTH is a 400 before any serializer sees it."""

from typing import Any

from drf_orjson_renderer.parsers import ORJSONParser
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


def nested_deeper_than(data: Any, limit: int) -> bool:
    """Whether arrays and objects in `data` sit more than `limit` levels deep (the outermost
    is level 1). Walked with a stack, not recursion, so that depth cannot overflow it."""
    pending = [(data, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class JSONParser(ORJSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if isinstance(data, (dict, list)) and nested_deeper_than(data, MAX_JSON_DEPTH):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        return data
