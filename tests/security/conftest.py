"""API throttle rates that no test here meets, a cache of each test's own, and the API tests'
callers."""

from tests.api.conftest import anonymous, api_settings_for_tests, writer

# Re-exported so that pytest applies the autouse fixture here too.
__all__ = ["anonymous", "api_settings_for_tests", "writer"]
