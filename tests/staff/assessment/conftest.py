"""The known 2026 of the assessment's API tests, for its pages too."""

from tests.campaign.assessment.conftest import year  # noqa: F401 (a shared fixture)
