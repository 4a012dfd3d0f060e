"""API throttle rates that no test here meets, and a cache of each test's own."""

from tests.api.conftest import api_settings_for_tests

# Re-exported so that pytest applies the autouse fixture here too.
__all__ = ["api_settings_for_tests"]
