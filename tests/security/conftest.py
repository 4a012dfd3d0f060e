"""API throttle rates that no test here meets, and a cache of each test's own."""

from tests.api.conftest import api_settings_for_tests  # noqa: F401  (an autouse fixture)
