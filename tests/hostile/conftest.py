"""Hostile input meets the API with the API tests' callers and settings: no throttling (a run
sends hundreds of requests), and a cache of each test's own."""

from tests.api.conftest import anonymous, api_settings_for_tests, staff, writer

__all__ = ["anonymous", "api_settings_for_tests", "staff", "writer"]
