"""The JSON API at /api/v1: auth, errors, idempotency and the OpenAPI document."""
